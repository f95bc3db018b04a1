//! Forgotten passwords: a reset link by email, then a new password, which also clears the
//! lockout and revokes every session of the account (whoever was signed in with the old
//! password is signed out everywhere).
//!
//! [`request_password_reset`] succeeds whether or not the address has an account, and the
//! page answers before it runs (see `http::account`), so neither the answer nor its timing
//! tells whether an account exists.

use secrecy::SecretString;
use tp_audit_log::action::identity as action;
use tp_audit_log::{Actor, AuditEvent, Outcome, Subject};
use tp_ids::UserId;

use crate::accounts::emails;
use crate::accounts::new_password::hash_new_password;
use crate::audit::{self, ScopedTx};
use crate::db::account_tokens::{self, TokenRecord};
use crate::db::users::{self, AccountRecord, UserStatus};
use crate::domain::account_token::{AccountToken, Purpose};
use crate::domain::email::Email;
use crate::error::Error;
use crate::oauth::publish_revoked_session;
use crate::state::AppState;

/// Emails a reset link if `email` belongs to an active account; does nothing otherwise.
#[tracing::instrument(skip_all)]
pub async fn request_password_reset(state: &AppState, email: &Email) -> Result<(), Error> {
    let Some(account) = users::find_by_email(&state.db, email).await? else { return Ok(()) };
    if account.status != UserStatus::Active {
        return Ok(());
    }
    let (token, hash) = AccountToken::generate();
    let record = TokenRecord { user: account.id, tenant: None };
    let ttl = Purpose::ResetPassword.ttl(std::time::Duration::ZERO);
    let tx = ScopedTx::begin(&state.db, None).await?;
    account_tokens::issue(&*tx, &hash, Purpose::ResetPassword, &record, ttl).await?;
    audit::record(&*tx, &event(action::PASSWORD_RESET_REQUESTED, account.id)).await?;
    tx.commit().await?;
    let message = emails::password_reset(&account.email, state.settings.issuer(), &token);
    state.mailer.send(message).await.map_err(|e| Error::Unavailable(e.into()))
}

/// Checks that a reset link is live, without spending it.
pub async fn peek_password_reset(state: &AppState, token: &AccountToken) -> Result<(), Error> {
    live_reset(state, token).await.map(|_| ())
}

/// Sets a new password through a reset link: clears the lockout, verifies the email, revokes
/// every session of the account, spends the link.
#[tracing::instrument(skip_all)]
pub async fn reset_password(state: &AppState, token: &AccountToken, password: SecretString) -> Result<(), Error> {
    let account = live_reset(state, token).await?;
    let hash = hash_new_password(&account.email, password).await?;
    let tx = ScopedTx::begin(&state.db, None).await?;
    let spent = account_tokens::consume(&*tx, &token.hash(), Purpose::ResetPassword).await?;
    if spent.is_none_or(|record| record.user != account.id) {
        return Err(Error::InvalidLink);
    }
    users::set_password(&*tx, account.id, &hash, false).await?;
    let sessions = users::revoke_sessions(&*tx, account.id).await?;
    let completed =
        event(action::PASSWORD_RESET_COMPLETED, account.id).detail("sessions_revoked", sessions.len().to_string());
    // Before the revocation list: an event that cannot be written stops the reset here.
    audit::record(&*tx, &completed).await?;
    // Revocation list first, commit second: if Redis is down nothing changes and the link
    // still works; the reverse order could leave tokens of revoked sessions accepted.
    // Listed for as long as their access tokens can live, the one rule every revocation uses.
    for session in &sessions {
        publish_revoked_session(&state.redis, state.settings.access_token_ttl_secs, *session)
            .await
            .map_err(|e| Error::Unavailable(e.into()))?;
    }
    tx.commit().await?;
    Ok(())
}

/// An event of `user`'s own password reset (platform-level: accounts span practices).
fn event(what: tp_audit_log::Action, user: UserId) -> AuditEvent {
    AuditEvent::new(what, Outcome::Success, Actor::User(user)).subject(Subject::new("user", user))
}

async fn live_reset(state: &AppState, token: &AccountToken) -> Result<AccountRecord, Error> {
    let record =
        account_tokens::peek(&state.db, &token.hash(), Purpose::ResetPassword).await?.ok_or(Error::InvalidLink)?;
    let account = users::find_by_id(&state.db, record.user).await?.ok_or(Error::InvalidLink)?;
    if account.status != UserStatus::Active {
        return Err(Error::InvalidLink);
    }
    Ok(account)
}
