//! Invitations: a practice (through the admin API or `telehealthctl`) invites an address
//! with roles; the person opens the emailed link, sets a password and is active.
//!
//! The membership row is tenant-owned, so every statement of an invitation and of its
//! acceptance runs in one [`TenantTx`] of the inviting practice (the `users` and
//! `account_tokens` rows carry no RLS and ride along in the same transaction). Whether the
//! caller may invite into this practice is the caller's check; this only ever writes into
//! the tenant it is given.

use std::time::Duration;

use secrecy::SecretString;
use tp_audit_log::action::identity as action;
use tp_audit_log::{Actor, AuditEvent, Outcome, Subject};
use tp_auth::Role;
use tp_db::TenantTx;
use tp_ids::{TenantId, UserId};

use crate::accounts::emails::{self, Inviter};
use crate::accounts::new_password::hash_new_password;
use crate::audit;
use crate::db::account_tokens::{self, TokenRecord};
use crate::db::users::{self, UserStatus};
use crate::domain::account_token::{AccountToken, Purpose};
use crate::domain::email::Email;
use crate::error::Error;
use crate::state::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InviteOutcome {
    pub user: UserId,
    /// `false` when the address already had an account (invited to another practice, say).
    pub new_account: bool,
}

/// What the invitation page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteView {
    /// A new account: choose a password.
    SetPassword,
    /// The person already has a password: accepting only joins the practice.
    Join,
}

/// Invites `email` into `tenant` with `roles` (membership roles only) and emails the link.
/// Inviting again adds roles and sends a new link (the old one stops working). `invited_by`
/// (a practice admin, or the operator's client) is recorded with the invitation.
#[tracing::instrument(skip_all, fields(tenant = %tenant, invited_by = ?invited_by))]
pub async fn invite(
    state: &AppState,
    tenant: TenantId,
    email: &Email,
    roles: &[Role],
    invited_by: Actor,
) -> Result<InviteOutcome, Error> {
    if roles.is_empty() || !roles.iter().all(|role| Role::MEMBERSHIP.contains(role)) {
        return Err(Error::invalid("roles", "must be one or more of practice_admin, clinician, staff, client"));
    }
    let practice = users::find_tenant(&state.db, tenant).await?.ok_or(Error::NotFound)?;
    if !practice.active {
        return Err(Error::invalid("tenant", "is not active"));
    }
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let (account, new_account) = users::ensure_invited(&*tx, email).await?;
    if account.status == UserStatus::Disabled {
        return Err(Error::invalid("email", "belongs to a disabled account"));
    }
    users::invite_membership(&tx, account.id, roles).await?;
    let (token, hash) = AccountToken::generate();
    let record = TokenRecord { user: account.id, tenant: Some(tenant) };
    let ttl = Purpose::Invite.ttl(Duration::from_secs(state.settings.invite_ttl_secs));
    account_tokens::issue(&*tx, &hash, Purpose::Invite, &record, ttl).await?;
    let roles_code = roles.iter().map(|role| role.as_str()).collect::<Vec<_>>().join(" ");
    let event = AuditEvent::new(action::INVITATION_SENT, Outcome::Success, invited_by)
        .tenant(tenant)
        .subject(Subject::new("user", account.id))
        .detail("roles", roles_code)
        .detail("new_account", new_account.to_string());
    // In the invitation's transaction: no link is emailed for an invitation not on record.
    audit::record(&*tx, &event).await?;
    tx.commit().await?;
    let inviter = if roles.contains(&Role::Client) { Inviter::Neutral } else { Inviter::Practice(&practice.name) };
    let message = emails::invitation(email, &inviter, state.settings.issuer(), &token);
    state.mailer.send(message).await.map_err(|e| Error::Unavailable(e.into()))?;
    Ok(InviteOutcome { user: account.id, new_account })
}

/// What the invitation link leads to, without spending it; `InvalidLink` when it is not live.
pub async fn peek_invite(state: &AppState, token: &AccountToken) -> Result<InviteView, Error> {
    let (_, account) = live_invite(state, token).await?;
    Ok(if account.has_password { InviteView::Join } else { InviteView::SetPassword })
}

/// Accepts an invitation: sets the password (required when the account has none, ignored
/// otherwise), verifies the email (the link proves the address), activates the account and
/// the membership, and spends the link. The person signs in afterwards, as usual.
#[tracing::instrument(skip_all)]
pub async fn accept_invite(
    state: &AppState,
    token: &AccountToken,
    password: Option<SecretString>,
) -> Result<(), Error> {
    let (tenant, account) = live_invite(state, token).await?;
    let new_hash = match (account.has_password, password) {
        (true, _) => None,
        (false, Some(password)) => Some(hash_new_password(&account.email, password).await?),
        (false, None) => return Err(Error::invalid("password", "is required")),
    };
    let tx = TenantTx::begin(&state.db, tenant).await?;
    // The atomic spend decides between two concurrent submissions; the look-up above only
    // served to check the password against the right address.
    let spent = account_tokens::consume(&*tx, &token.hash(), Purpose::Invite).await?;
    if spent.is_none_or(|record| record.user != account.id) {
        return Err(Error::InvalidLink);
    }
    match &new_hash {
        Some(hash) => users::set_password(&*tx, account.id, hash, true).await?,
        None => users::mark_email_verified(&*tx, account.id).await?,
    }
    users::activate_membership(&tx, account.id).await?;
    let event = AuditEvent::new(action::INVITATION_ACCEPTED, Outcome::Success, Actor::User(account.id))
        .tenant(tenant)
        .subject(Subject::new("user", account.id))
        .detail("password_set", new_hash.is_some().to_string());
    audit::record(&*tx, &event).await?;
    tx.commit().await?;
    Ok(())
}

async fn live_invite(state: &AppState, token: &AccountToken) -> Result<(TenantId, users::AccountRecord), Error> {
    let record = account_tokens::peek(&state.db, &token.hash(), Purpose::Invite).await?.ok_or(Error::InvalidLink)?;
    let tenant = record.tenant.ok_or(Error::InvalidLink)?;
    let account = users::find_by_id(&state.db, record.user).await?.ok_or(Error::InvalidLink)?;
    if account.status == UserStatus::Disabled {
        return Err(Error::InvalidLink);
    }
    Ok((tenant, account))
}
