//! Password sign-in ([`authenticate_password`]) and the lockout counter it shares with the
//! second factor.
//!
//! Every attempt verifies a hash, the account's or a dummy, so the time taken does not tell
//! whether an address has an account. The errors are deliberately coarse, and the sign-in
//! page must render [`SignInError::InvalidCredentials`] and [`SignInError::Locked`] with the
//! same words ("wrong email or password, or too many attempts: try again later"): `Locked`
//! exists for the audit trail and for telling a person who *has* signed in before that
//! waiting helps, not for the page to say "this account exists and is locked".
//!
//! For an account with TOTP the counter is only reset after the second factor: otherwise
//! whoever knows the password could reset it between guesses of the code.
//!
//! Every attempt is audited (platform-level: an account is not any one practice's). A
//! failure is counted, and a lock set, before its event is written and kept when the event
//! cannot be: a broken audit write must never hand out free guesses. The attempt is refused
//! either way.

use chrono::{DateTime, TimeDelta, Utc};
use secrecy::SecretString;
use tp_audit_log::action::identity as action;
use tp_audit_log::{Actor, AuditEvent, Outcome, Subject};
use tp_ids::UserId;

use crate::audit::{self, ScopedTx};
use crate::db::users::{self, UserStatus};
use crate::domain::email::Email;
use crate::domain::{lockout, password};
use crate::error::Error;
use crate::state::AppState;

/// Why a password sign-in was refused.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// Unknown address, wrong password, an account without a password (invited, SSO only).
    #[error("wrong email or password")]
    InvalidCredentials,
    /// Too many consecutive failures; refused until `until` whatever the password.
    #[error("too many attempts; try again later")]
    Locked { until: DateTime<Utc> },
    /// The password was right but the account is disabled.
    #[error("this account is disabled")]
    Disabled,
    #[error(transparent)]
    Internal(#[from] Error),
}

/// The account whose password this is, if it may sign in. Only `active` accounts with a
/// password sign in. MFA is the caller's next step (`mfa_enrolled`, `mfa_required`).
#[tracing::instrument(skip_all)]
pub async fn authenticate_password(
    state: &AppState,
    email: &Email,
    candidate: SecretString,
) -> Result<UserId, SignInError> {
    let record = users::find_for_sign_in(&state.db, email).await.map_err(Error::from)?;
    let stored = record.as_ref().and_then(|r| r.password_hash.clone());
    // Always verify (against a dummy when there is nothing to verify against): same cost.
    let matches = password::verify(stored, candidate).await.map_err(|e| Error::Internal(e.into()))?;
    let Some(record) = record else {
        // No subject: nothing derived from the address is written.
        failed(state, None, Outcome::Failure, "unknown_account").await?;
        return Err(SignInError::InvalidCredentials);
    };
    if let Some(until) = record.locked_until.filter(|until| *until > Utc::now()) {
        failed(state, Some(record.id), Outcome::Denied, "locked").await?;
        return Err(SignInError::Locked { until });
    }
    if !matches {
        let locked = register_failure(state, record.id).await?;
        failed(state, Some(record.id), Outcome::Failure, "wrong_password").await?;
        return Err(locked.map_or(SignInError::InvalidCredentials, |until| SignInError::Locked { until }));
    }
    match record.status {
        UserStatus::Active => {}
        UserStatus::Disabled => {
            failed(state, Some(record.id), Outcome::Denied, "account_disabled").await?;
            return Err(SignInError::Disabled);
        }
        UserStatus::Invited => {
            failed(state, Some(record.id), Outcome::Failure, "account_not_active").await?;
            return Err(SignInError::InvalidCredentials);
        }
    }
    let tx = ScopedTx::begin(&state.db, None).await.map_err(Error::from)?;
    if !record.totp_enabled {
        users::clear_failures(&*tx, record.id).await.map_err(Error::from)?;
    }
    let event = AuditEvent::new(action::PASSWORD_VERIFIED, Outcome::Success, Actor::User(record.id))
        .subject(Subject::new("user", record.id));
    audit::record(&*tx, &event).await?;
    tx.commit().await.map_err(Error::from)?;
    Ok(record.id)
}

/// Records a refused password attempt; `user` when the address has an account.
async fn failed(state: &AppState, user: Option<UserId>, outcome: Outcome, reason: &'static str) -> Result<(), Error> {
    let event = match user {
        Some(user) => {
            AuditEvent::new(action::SIGN_IN_FAILED, outcome, Actor::User(user)).subject(Subject::new("user", user))
        }
        None => AuditEvent::new(action::SIGN_IN_FAILED, outcome, Actor::Anonymous),
    };
    audit::emit(&state.db, event.detail("reason", reason)).await
}

/// Counts a failed attempt (password or second factor); the end of the lock it triggered.
pub(super) async fn register_failure(state: &AppState, user: UserId) -> Result<Option<DateTime<Utc>>, Error> {
    let failures = users::record_failure(&state.db, user).await?;
    let Some(duration) = lockout::lock_for(failures) else { return Ok(None) };
    users::lock_for(&state.db, user, duration.as_secs()).await?;
    let event = AuditEvent::new(action::ACCOUNT_LOCKED, Outcome::Success, Actor::System("lockout"))
        .subject(Subject::new("user", user))
        .detail("failures", failures.to_string())
        .detail("lock_secs", duration.as_secs().to_string());
    audit::emit(&state.db, event).await?;
    let until = TimeDelta::from_std(duration).ok().and_then(|d| Utc::now().checked_add_signed(d));
    Ok(Some(until.unwrap_or_else(Utc::now)))
}
