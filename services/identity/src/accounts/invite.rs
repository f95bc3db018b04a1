//! Invitations: a practice (through the admin API or `telehealthctl`) invites an address
//! with roles; the person opens the emailed link, sets a password and is active.
//!
//! The membership row is tenant-owned, so every statement of an invitation and of its
//! acceptance runs in one [`TenantTx`] of the inviting practice (the `users` and
//! `account_tokens` rows carry no RLS and ride along in the same transaction). Whether the
//! caller may invite into this practice is the caller's check; this only ever writes into
//! the tenant it is given.
//!
//! An invitation must not tell the practice whether the address has an account elsewhere
//! on the platform: a new address, an existing account and a disabled one get the same
//! answer and the same pending member in the practice's list (a disabled one is refused
//! quietly: no link, nothing sent, recorded as denied). The one distinct answer, `Conflict`
//! for an active member, is about the practice's own members.

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

/// What became of an invitation. Callers that answer the inviting practice must answer the
/// same for both: whether an address has an account on the platform (in another practice,
/// or a disabled one) is not that practice's to learn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InviteOutcome {
    pub user: UserId,
    /// `false` when nothing was sent: the address belongs to a disabled account. The
    /// membership is pending as for any invitation, but no link exists (recorded as denied).
    pub sent: bool,
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
/// Inviting a pending or removed member again replaces the roles and sends a new link (the
/// old one stops working); inviting an active member is a `Conflict` (their roles change
/// through `admin::members::set_roles`). `invited_by` (a practice admin, or the operator's
/// client) is recorded with the invitation.
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
    // An active member is in the practice's own member list: saying so reveals nothing.
    if !users::invite_membership(&tx, account.id, roles).await? {
        tx.rollback().await?;
        return Err(Error::Conflict("membership"));
    }
    let event = move |outcome| invitation_event(outcome, invited_by, tenant, account.id, roles);
    if account.status == UserStatus::Disabled {
        // Refused quietly: the membership is pending like any invitation's (the practice's
        // member list must not differ either), but no link exists and nothing is sent.
        audit::record(&*tx, &event(Outcome::Denied).detail("reason", "account_disabled")).await?;
        tx.commit().await?;
        return Ok(InviteOutcome { user: account.id, sent: false });
    }
    let (token, hash) = AccountToken::generate();
    let record = TokenRecord { user: account.id, tenant: Some(tenant) };
    let ttl = Purpose::Invite.ttl(Duration::from_secs(state.settings.invite_ttl_secs));
    account_tokens::issue(&*tx, &hash, Purpose::Invite, &record, ttl).await?;
    // In the invitation's transaction: no link is emailed for an invitation not on record.
    audit::record(&*tx, &event(Outcome::Success).detail("new_account", new_account.to_string())).await?;
    tx.commit().await?;
    let inviter = if roles.contains(&Role::Client) { Inviter::Neutral } else { Inviter::Practice(&practice.name) };
    let message = emails::invitation(email, &inviter, state.settings.issuer(), &token);
    state.mailer.send(message).await.map_err(|e| Error::Unavailable(e.into()))?;
    Ok(InviteOutcome { user: account.id, sent: true })
}

/// `identity.invitation.sent` for `user` in `tenant` with `roles`.
fn invitation_event(outcome: Outcome, invited_by: Actor, tenant: TenantId, user: UserId, roles: &[Role]) -> AuditEvent {
    let roles_code = roles.iter().map(|role| role.as_str()).collect::<Vec<_>>().join(" ");
    AuditEvent::new(action::INVITATION_SENT, outcome, invited_by)
        .tenant(tenant)
        .subject(Subject::new("user", user))
        .detail("roles", roles_code)
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
