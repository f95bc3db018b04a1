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
//! Every attempt on an account is counted before its password is checked, and handed back
//! when it was no failure (`accounts::attempt`): a burst of parallel guesses gets no more
//! tries than the lock allows.
//!
//! Every attempt is audited (platform-level: an account is not any one practice's). A
//! failure is counted, and a lock set, before its event is written and kept when the event
//! cannot be: a broken audit write must never hand out free guesses. The attempt is refused
//! either way.

use chrono::{DateTime, Utc};
use secrecy::SecretString;
use tp_audit_log::action::identity as action;
use tp_audit_log::{Actor, AuditEvent, Outcome, Subject};
use tp_ids::UserId;

use crate::accounts::attempt::{self, Claimed};
use crate::audit::{self, ScopedTx};
use crate::db::users::{self, UserStatus};
use crate::domain::email::Email;
use crate::domain::password;
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
    let Some(record) = record else {
        // Verify against a dummy all the same: the same cost as for an account.
        password::verify(None, candidate).await.map_err(|e| Error::Internal(e.into()))?;
        // No subject: nothing derived from the address is written.
        failed(state, None, Outcome::Failure, "unknown_account").await?;
        return Err(SignInError::InvalidCredentials);
    };
    // Claimed before the (slow) check, so that parallel guesses cannot outrun the lock.
    let claimed = attempt::claim(state, record.id).await?;
    // Verified even when locked: the same cost whatever the answer.
    let matches =
        password::verify(record.password_hash.clone(), candidate).await.map_err(|e| Error::Internal(e.into()))?;
    let claim = match claimed {
        Claimed::Counted(claim) => claim,
        Claimed::Locked { until } => {
            failed(state, Some(record.id), Outcome::Denied, "locked").await?;
            return Err(SignInError::Locked { until });
        }
    };
    if !matches {
        let locked = claim.failed(state).await?;
        failed(state, Some(record.id), Outcome::Failure, "wrong_password").await?;
        return Err(locked.map_or(SignInError::InvalidCredentials, |until| SignInError::Locked { until }));
    }
    match record.status {
        UserStatus::Active => {}
        UserStatus::Disabled => {
            claim.release(state).await?;
            failed(state, Some(record.id), Outcome::Denied, "account_disabled").await?;
            return Err(SignInError::Disabled);
        }
        UserStatus::Invited => {
            claim.release(state).await?;
            failed(state, Some(record.id), Outcome::Failure, "account_not_active").await?;
            return Err(SignInError::InvalidCredentials);
        }
    }
    if record.totp_enabled {
        claim.release(state).await?;
    }
    password_verified(state, &record).await?;
    Ok(record.id)
}

/// The password was right: resets the counter (unless the second factor is still to come)
/// and records it, in one transaction.
async fn password_verified(state: &AppState, record: &users::SignInRecord) -> Result<(), Error> {
    let tx = ScopedTx::begin(&state.db, None).await?;
    if !record.totp_enabled {
        users::clear_failures(&*tx, record.id).await?;
    }
    let event = AuditEvent::new(action::PASSWORD_VERIFIED, Outcome::Success, Actor::User(record.id))
        .subject(Subject::new("user", record.id));
    audit::record(&*tx, &event).await?;
    tx.commit().await?;
    Ok(())
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
