//! TOTP second factor: enrolment (begin, confirm with a first code, recovery codes shown
//! once) and verification at sign-in (TOTP code or recovery code, each usable once).
//!
//! Not here: resetting a lost authenticator. That needs an authorized route (who may reset
//! whose factor, in which practice); none exists yet, so neither does the function.
//!
//! The shared secret is stored encrypted by the Vault transit key `identity.mfa_key`
//! (created at start-up by [`ensure_mfa_key`]): a database dump alone yields no secret.
//! Wrong codes count towards the same lockout as wrong passwords.
//!
//! Audited like password sign-in (platform-level events; a wrong code is counted before its
//! event is written and stays counted if the write fails). Enrolment and success
//! are recorded in the transaction of their change.

use secrecy::SecretString;
use tp_audit_log::action::identity as action;
use tp_audit_log::{Action, Actor, AuditEvent, Outcome, Subject};
use tp_ids::UserId;
use tp_vault::{Vault, VaultError};
use zeroize::Zeroizing;

use crate::accounts::attempt::{self, Claimed};
use crate::audit;
use crate::config::IdentitySettings;
use crate::db::{recovery_codes, users};
use crate::domain::totp::{self, RecoveryCode, TotpSecret};
use crate::error::Error;
use crate::state::AppState;

/// A pending enrolment: what the person puts into their authenticator app. Shown once.
pub struct TotpEnrollment {
    pub secret_base32: Zeroizing<String>,
    pub otpauth_url: Zeroizing<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum MfaError {
    /// Wrong, malformed, replayed or already used code.
    #[error("that code is not valid")]
    InvalidCode,
    #[error("too many attempts; try again later")]
    Locked { until: chrono::DateTime<chrono::Utc> },
    /// No confirmed (or, for confirmation, no pending) second factor.
    #[error("no authenticator is set up")]
    NotEnrolled,
    #[error("an authenticator is already set up")]
    AlreadyEnrolled,
    #[error(transparent)]
    Internal(#[from] Error),
}

impl From<sea_orm::DbErr> for MfaError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::Internal(err.into())
    }
}

impl From<VaultError> for MfaError {
    fn from(err: VaultError) -> Self {
        Self::Internal(err.into())
    }
}

/// Creates the transit key for TOTP secrets if it is missing (idempotent; at start-up).
pub async fn ensure_mfa_key(vault: &Vault, settings: &IdentitySettings) -> Result<(), VaultError> {
    vault.create_key(&settings.mfa_key).await
}

/// Whether `user` has a confirmed authenticator.
pub async fn mfa_enrolled(state: &AppState, user: UserId) -> Result<bool, Error> {
    Ok(recovery_codes::find(&state.db, user).await?.is_some_and(|record| record.enabled))
}

/// Starts (or restarts) enrolment with a fresh secret. Refused once TOTP is enabled.
#[tracing::instrument(skip_all, fields(user = %user))]
pub async fn begin_totp_enrollment(state: &AppState, user: UserId) -> Result<TotpEnrollment, MfaError> {
    let record = recovery_codes::find(&state.db, user).await?.ok_or(MfaError::NotEnrolled)?;
    if record.enabled {
        return Err(MfaError::AlreadyEnrolled);
    }
    let secret = TotpSecret::generate();
    let encrypted = state.vault.encrypt(&state.settings.mfa_key, secret.as_bytes()).await?;
    if !recovery_codes::store_pending_secret(&state.db, user, &encrypted).await? {
        return Err(MfaError::AlreadyEnrolled);
    }
    Ok(TotpEnrollment { secret_base32: secret.base32(), otpauth_url: secret.otpauth_url(record.email.as_str()) })
}

/// Confirms enrolment with a first code from the app; returns the recovery codes, which are
/// stored only as digests and must be shown to the person now.
#[tracing::instrument(skip_all, fields(user = %user))]
pub async fn confirm_totp_enrollment(
    state: &AppState,
    user: UserId,
    code: &str,
) -> Result<Vec<RecoveryCode>, MfaError> {
    let record = recovery_codes::find(&state.db, user).await?.ok_or(MfaError::NotEnrolled)?;
    if record.enabled {
        return Err(MfaError::AlreadyEnrolled);
    }
    let encrypted = record.secret_enc.ok_or(MfaError::NotEnrolled)?;
    let secret = TotpSecret::from_bytes(state.vault.decrypt(&state.settings.mfa_key, &encrypted).await?);
    let step = totp::check(&secret, code, now_unix(), None).ok_or(MfaError::InvalidCode)?;
    let codes: Vec<RecoveryCode> = (0..totp::RECOVERY_CODE_COUNT).map(|_| RecoveryCode::generate()).collect();
    let hashes: Vec<[u8; 32]> = codes.iter().map(|code| totp::recovery_code_hash(user, code.expose())).collect();
    let tx = sea_orm::TransactionTrait::begin(&state.db).await?;
    if !recovery_codes::enable(&tx, user, &encrypted, step).await? {
        return Err(MfaError::AlreadyEnrolled);
    }
    recovery_codes::replace_codes(&tx, user, &hashes).await?;
    audit::record(&tx, &event(action::MFA_ENROLLED, Outcome::Success, Actor::User(user), user)).await?;
    tx.commit().await?;
    Ok(codes)
}

/// Checks a second factor at sign-in: a 6-digit TOTP code (each time step accepted once) or
/// a recovery code (each accepted once). Success resets the lockout counter. The attempt is
/// counted before the code is checked (`accounts::attempt`), like a password.
#[tracing::instrument(skip_all, fields(user = %user))]
pub async fn verify_second_factor(state: &AppState, user: UserId, input: SecretString) -> Result<(), MfaError> {
    use secrecy::ExposeSecret as _;
    let record = recovery_codes::find(&state.db, user).await?.ok_or(MfaError::NotEnrolled)?;
    if !record.enabled {
        return Err(MfaError::NotEnrolled);
    }
    let claim = match attempt::claim(state, user).await? {
        Claimed::Counted(claim) => claim,
        Claimed::Locked { until } => {
            failed(state, user, Outcome::Denied, "locked").await?;
            return Err(MfaError::Locked { until });
        }
    };
    let input = input.expose_secret();
    let is_totp = totp::is_totp_code(input);
    let accepted = if is_totp {
        let encrypted = record.secret_enc.ok_or(MfaError::NotEnrolled)?;
        let secret = TotpSecret::from_bytes(state.vault.decrypt(&state.settings.mfa_key, &encrypted).await?);
        match totp::check(&secret, input, now_unix(), record.last_step) {
            Some(step) => recovery_codes::accept_step(&state.db, user, step).await?,
            None => false,
        }
    } else {
        recovery_codes::use_code(&state.db, user, &totp::recovery_code_hash(user, input)).await?
    };
    if !accepted {
        let locked = claim.failed(state).await?;
        failed(state, user, Outcome::Failure, "invalid_code").await?;
        return Err(locked.map_or(MfaError::InvalidCode, |until| MfaError::Locked { until }));
    }
    let what = if is_totp { action::MFA_SUCCEEDED } else { action::MFA_RECOVERY_CODE_USED };
    let tx = sea_orm::TransactionTrait::begin(&state.db).await?;
    users::clear_failures(&tx, user).await?;
    audit::record(&tx, &event(what, Outcome::Success, Actor::User(user), user)).await?;
    tx.commit().await?;
    Ok(())
}

/// An MFA event about `user`'s account. Platform-level: a plain transaction (no tenant set)
/// is the one its insert policy accepts.
fn event(what: Action, outcome: Outcome, actor: Actor, user: UserId) -> AuditEvent {
    AuditEvent::new(what, outcome, actor).subject(Subject::new("user", user))
}

/// Records a refused second factor.
async fn failed(state: &AppState, user: UserId, outcome: Outcome, reason: &'static str) -> Result<(), Error> {
    let event = event(action::MFA_FAILED, outcome, Actor::User(user), user).detail("reason", reason);
    audit::emit(&state.db, event).await
}

fn now_unix() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp()).unwrap_or_default()
}
