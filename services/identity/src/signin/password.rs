//! The password step: checks the password (`accounts::authenticate_password`), decides
//! whether a second factor is owed, and starts a fresh session in the right stage.
//!
//! MFA policy for a person in several practices: required if ANY of their active
//! memberships requires it (the practice is chosen only afterwards, and asking once for
//! the strictest is simpler and safe); platform operators always. This is only the first
//! decision: `signin::flow` checks the chosen practice's policy again before every code
//! (a practice reactivated, an invitation accepted, a policy tightened since). The
//! session's absolute lifetime is the shortest of those practices' (12 h without any),
//! capped again by the chosen practice's when the choice is made.
//!
//! Not here: the federated first factor (`signin::federated`), whose session is bound to
//! its practice from the start.

use secrecy::SecretString;
use tp_ids::UserId;

use super::policy::requires_mfa;
use crate::accounts::{self, SignInError};
use crate::db::own_memberships;
use crate::db::subjects;
use crate::domain::email::Email;
use crate::domain::session::{AMR_PASSWORD, Stage};
use crate::error::Error;
use crate::signin::session::{self, Start};
use crate::state::AppState;

/// Absolute session lifetime when no practice says otherwise (the tenants' default).
const DEFAULT_LIFETIME_SECS: i32 = 43_200;

/// The password was refused. Deliberately one case: wrong address, wrong password, a
/// locked or disabled account all read the same on the page.
#[derive(Debug)]
pub(crate) struct Refused;

/// Starts a session for a correct password; its cookie token (shown to the browser once).
pub(crate) async fn sign_in(
    state: &AppState,
    email: &str,
    password: SecretString,
) -> Result<Result<String, Refused>, Error> {
    // An unparseable address cannot have an account; refusing it at once reveals nothing.
    let Ok(email) = Email::parse(email) else { return Ok(Err(Refused)) };
    let user = match accounts::authenticate_password(state, &email, password).await {
        Ok(user) => user,
        Err(SignInError::Internal(err)) => return Err(err),
        Err(SignInError::Locked { .. }) => {
            return Ok(Err(Refused));
        }
        Err(SignInError::InvalidCredentials | SignInError::Disabled) => {
            return Ok(Err(Refused));
        }
    };
    start_session(state, user).await.map(Ok)
}

/// The password is right: starts a fresh session without a practice, in the stage the MFA
/// policy asks for; returns its cookie token (shown once).
async fn start_session(state: &AppState, user: UserId) -> Result<String, Error> {
    let operator = subjects::subject(&state.db, user).await?.is_some_and(|s| s.platform_operator);
    let memberships = own_memberships::list_active(&state.db, user).await?;
    let required = operator || memberships.iter().any(requires_mfa);
    let stage = Stage::after_password(accounts::mfa_enrolled(state, user).await?, required);
    let lifetime_secs = memberships.iter().map(|m| m.absolute_timeout_secs).min().unwrap_or(DEFAULT_LIFETIME_SECS);
    let start = Start { user, tenant: None, stage, amr: AMR_PASSWORD, lifetime_secs };
    Ok(session::start(state, start).await?.1)
}
