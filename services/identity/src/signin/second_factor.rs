//! The second-factor steps of a session: checking a TOTP or recovery code (stage `mfa`),
//! and enrolling an authenticator when one is required but missing (stage `mfa_enroll`).
//! Each moves the session to `authenticated` only on success, and only from its own stage.
//! A session whose practice is already fixed (a federated sign-in, or a practice whose
//! policy asked for the factor after it was chosen) is signed in to that practice then.
//!
//! Not here: the TOTP rules and lockout (`accounts`), the pages.

use secrecy::SecretString;
use tp_ids::UserId;

use crate::accounts::{self, MfaError, TotpEnrollment};
use crate::db::sessions;
use crate::domain::session::{AMR_OTP, Stage};
use crate::domain::totp::RecoveryCode;
use crate::error::Error;
use crate::signin::session::{self, SignInSession};
use crate::state::AppState;

/// A refused code. One case on purpose: wrong, replayed, and "too many attempts" read the
/// same, like the password step.
#[derive(Debug)]
pub(crate) struct CodeRefused;

fn refused_or_internal(err: MfaError) -> Result<CodeRefused, Error> {
    match err {
        MfaError::Internal(err) => Err(err),
        MfaError::Locked { .. } => Ok(CodeRefused),
        MfaError::InvalidCode | MfaError::NotEnrolled | MfaError::AlreadyEnrolled => Ok(CodeRefused),
    }
}

/// Checks `code` for a session in stage `mfa`; on success the session is authenticated.
pub(crate) async fn verify(
    state: &AppState,
    session: &SignInSession,
    code: SecretString,
) -> Result<Result<(), CodeRefused>, Error> {
    if session.stage != Stage::Mfa {
        return Ok(Err(CodeRefused));
    }
    if let Err(err) = accounts::verify_second_factor(state, session.user, code).await {
        return refused_or_internal(err).map(Err);
    }
    let moved = sessions::authenticate(&state.db, session.id, Stage::Mfa, AMR_OTP).await?;
    if !moved {
        return Ok(Err(CodeRefused));
    }
    signed_in_to_fixed_practice(state, session).await?;
    Ok(Ok(()))
}

/// A fresh authenticator secret for the person of a session in stage `mfa_enroll`. Every call starts
/// over: a pending secret from an earlier, unfinished enrolment is never shown again, so
/// someone who once knew the password cannot plant a secret they keep a copy of.
pub(crate) async fn begin_enrollment(state: &AppState, user: UserId) -> Result<TotpEnrollment, Error> {
    accounts::begin_totp_enrollment(state, user).await.map_err(|err| match err {
        MfaError::Internal(err) => err,
        _ => Error::Internal(anyhow::anyhow!("the session owes an enrolment its account cannot start")),
    })
}

/// Confirms the enrolment with a first code; on success the session is authenticated and
/// the recovery codes are returned, to be shown once.
pub(crate) async fn confirm_enrollment(
    state: &AppState,
    session: &SignInSession,
    code: &str,
) -> Result<Result<Vec<RecoveryCode>, CodeRefused>, Error> {
    if session.stage != Stage::MfaEnroll {
        return Ok(Err(CodeRefused));
    }
    let codes = match accounts::confirm_totp_enrollment(state, session.user, code).await {
        Ok(codes) => codes,
        Err(err) => return refused_or_internal(err).map(Err),
    };
    let moved = sessions::authenticate(&state.db, session.id, Stage::MfaEnroll, AMR_OTP).await?;
    if !moved {
        return Ok(Err(CodeRefused));
    }
    signed_in_to_fixed_practice(state, session).await?;
    Ok(Ok(codes))
}

/// A session without a practice yet is signed in to one only when it is chosen (`flow`).
async fn signed_in_to_fixed_practice(state: &AppState, session: &SignInSession) -> Result<(), Error> {
    match session.tenant {
        Some(tenant) => session::signed_in(state, session.id, session.user, tenant).await,
        None => Ok(()),
    }
}
