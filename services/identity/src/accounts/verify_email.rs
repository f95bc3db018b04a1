//! Email verification: a link that proves a person reads the address on their account
//! (for accounts created without an invitation, such as through a practice's SSO, and for
//! address changes later).
//!
//! The link opens a page with a button rather than verifying on GET: mail scanners and link
//! previews fetch links, and must not spend them.

use tp_audit_log::action::identity as action;
use tp_audit_log::{Actor, AuditEvent, Outcome, Subject};
use tp_ids::UserId;

use crate::accounts::emails;
use crate::audit::{self, ScopedTx};
use crate::db::account_tokens::{self, TokenRecord};
use crate::db::users;
use crate::domain::account_token::{AccountToken, Purpose};
use crate::error::Error;
use crate::state::AppState;

/// Emails `user` a verification link (24 h; a new one replaces the previous).
#[tracing::instrument(skip_all, fields(user = %user))]
pub async fn send_email_verification(state: &AppState, user: UserId) -> Result<(), Error> {
    let account = users::find_by_id(&state.db, user).await?.ok_or(Error::NotFound)?;
    let (token, hash) = AccountToken::generate();
    let record = TokenRecord { user, tenant: None };
    let ttl = Purpose::VerifyEmail.ttl(std::time::Duration::ZERO);
    account_tokens::issue(&state.db, &hash, Purpose::VerifyEmail, &record, ttl).await?;
    let message = emails::email_verification(&account.email, state.settings.issuer(), &token);
    state.mailer.send(message).await.map_err(|e| Error::Unavailable(e.into()))
}

/// Checks that a verification link is live, without spending it.
pub async fn peek_email_verification(state: &AppState, token: &AccountToken) -> Result<(), Error> {
    let live = account_tokens::peek(&state.db, &token.hash(), Purpose::VerifyEmail).await?;
    live.map(|_| ()).ok_or(Error::InvalidLink)
}

/// Spends the link and marks the address verified.
#[tracing::instrument(skip_all)]
pub async fn verify_email(state: &AppState, token: &AccountToken) -> Result<(), Error> {
    let tx = ScopedTx::begin(&state.db, None).await?;
    let record = account_tokens::consume(&*tx, &token.hash(), Purpose::VerifyEmail).await?.ok_or(Error::InvalidLink)?;
    users::mark_email_verified(&*tx, record.user).await?;
    let event = AuditEvent::new(action::EMAIL_VERIFIED, Outcome::Success, Actor::User(record.user))
        .subject(Subject::new("user", record.user));
    audit::record(&*tx, &event).await?;
    tx.commit().await?;
    Ok(())
}
