//! The sign-in state machine: given the browser's session (if any) and a stored
//! authorization request, what comes next — the sign-in page, the second factor, the
//! enrolment, the practice chooser, or the code redirect.
//!
//! Every path that issues a code or fixes a practice goes through [`proceed`], and both
//! require stage `authenticated`: there is no other way to a code, so MFA cannot be
//! skipped by calling a later step directly.
//!
//! The MFA policy is checked again here, for the practice the code will be for, right
//! before choosing it or issuing (operators: always required). A session that lacks the
//! `otp` the policy now asks for (the practice was suspended or the invitation pending at
//! the password step, or the policy was tightened since) goes back to the second-factor
//! (or enrolment) stage instead of getting a code. A session whose practice is fixed
//! (chosen, or a federated sign-in's from the start) is never offered another practice.

use std::time::Duration;

use tp_ids::{ClientId, TenantId, UserId};

use super::policy::{owes_second_factor, requires_mfa};
use super::request::redirect_location;
use super::session::{self, SignInSession};
use crate::accounts;
use crate::db::authorization_requests::{self, StoredRequest};
use crate::db::own_memberships::{self, OwnMembership};
use crate::db::{clients, sessions, subjects};
use crate::domain::pkce::CodeChallenge;
use crate::domain::redirect_uri;
use crate::domain::scope::ScopeSet;
use crate::domain::session::Stage;
use crate::error::Error;
use crate::oauth::{NewCode, issue_code};
use crate::state::AppState;

/// What the browser is shown next.
#[derive(Debug)]
pub(crate) enum Step {
    SignIn,
    SecondFactor,
    /// A second factor is required and none is set up (for this person).
    Enroll(UserId),
    ChooseTenant(Vec<OwnMembership>),
    /// Signed in, but no active practice to sign in to (and not an operator).
    NoPractice,
    /// The request was consumed meanwhile (another tab finished it) or its client changed.
    Expired,
    /// The code redirect to the client.
    Redirect(String),
}

pub(crate) async fn proceed(
    state: &AppState,
    session: Option<&SignInSession>,
    request: &StoredRequest,
) -> Result<Step, Error> {
    // A session older than the request allows (prompt=login, max_age) is as good as none.
    let fresh_enough = |s: &&SignInSession| request.min_auth_time.is_none_or(|min| s.auth_time >= min);
    let Some(session) = session.filter(fresh_enough) else { return Ok(Step::SignIn) };
    match session.stage {
        Stage::Mfa => return Ok(Step::SecondFactor),
        Stage::MfaEnroll => return Ok(Step::Enroll(session.user)),
        Stage::Authenticated => {}
    }
    let operator = subjects::subject(&state.db, session.user).await?.is_some_and(|s| s.platform_operator);
    // Platform operators administer tenants from outside them: their tokens carry no tid.
    if operator && session.tenant.is_none() {
        if let Some(step) = step_up(state, session, true).await? {
            return Ok(step);
        }
        return issue(state, session, None, request).await;
    }
    let practices = own_memberships::list_active(&state.db, session.user).await?;
    let practice = match session.tenant {
        // Fixed: only that practice, and only while the membership there is active.
        Some(tenant) => practices.into_iter().find(|m| m.tenant == tenant),
        None if practices.len() > 1 => return Ok(Step::ChooseTenant(practices)),
        None => practices.into_iter().next(),
    };
    let Some(practice) = practice else { return Ok(Step::NoPractice) };
    if let Some(step) = step_up(state, session, operator || requires_mfa(&practice)).await? {
        return Ok(step);
    }
    if session.tenant.is_none() && !choose(state, session, &practice).await? {
        return Ok(Step::Expired);
    }
    issue(state, session, Some(practice.tenant), request).await
}

/// `None` when the session may go on; otherwise the step it was sent back to, because a
/// second factor is `required` and its `amr` has none.
async fn step_up(state: &AppState, session: &SignInSession, required: bool) -> Result<Option<Step>, Error> {
    if !owes_second_factor(required, &session.amr) {
        return Ok(None);
    }
    let stage = Stage::after_password(accounts::mfa_enrolled(state, session.user).await?, true);
    if !sessions::require_second_factor(&state.db, session.id, stage).await? {
        // Moved meanwhile (another tab, a sign-out): nothing issued; start again.
        return Ok(Some(Step::Expired));
    }
    Ok(Some(match stage {
        Stage::Mfa => Step::SecondFactor,
        Stage::MfaEnroll | Stage::Authenticated => Step::Enroll(session.user),
    }))
}

/// Fixes `membership`'s practice on the session; `false` if the session moved meanwhile.
async fn choose(state: &AppState, session: &SignInSession, membership: &OwnMembership) -> Result<bool, Error> {
    let chosen =
        sessions::choose_tenant(&state.db, session.id, membership.tenant, membership.absolute_timeout_secs).await?;
    if chosen {
        session::signed_in(state, session.id, session.user, membership.tenant).await?;
    }
    Ok(chosen)
}

/// The person picked `tenant` on the chooser page. Only one of their own active
/// memberships is accepted (a forged id is `Err(Forbidden)`), and only for an
/// authenticated session without a practice yet; anything else just proceeds, which shows
/// whatever step the session really is at. A practice whose policy asks for a second
/// factor the session lacks is not chosen: the factor is asked first.
pub(crate) async fn choose_tenant(
    state: &AppState,
    session: &SignInSession,
    tenant: TenantId,
    request: &StoredRequest,
) -> Result<Step, Error> {
    if session.stage == Stage::Authenticated && session.tenant.is_none() {
        let practices = own_memberships::list_active(&state.db, session.user).await?;
        let membership = practices.iter().find(|m| m.tenant == tenant).ok_or(Error::Forbidden)?;
        if let Some(step) = step_up(state, session, requires_mfa(membership)).await? {
            return Ok(step);
        }
        if !choose(state, session, membership).await? {
            return Ok(Step::Expired);
        }
        let chosen = SignInSession { tenant: Some(tenant), ..session.clone() };
        return proceed(state, Some(&chosen), request).await;
    }
    proceed(state, Some(session), request).await
}

/// Consumes the request and issues its code: at most one code per request.
async fn issue(
    state: &AppState,
    session: &SignInSession,
    tenant: Option<TenantId>,
    request: &StoredRequest,
) -> Result<Step, Error> {
    let client_id = ClientId::parse(&request.client_id).map_err(|e| Error::Internal(e.into()))?;
    // The client may have been revoked, or the URI unregistered, while the person signed in.
    let still_valid = clients::find(&state.db, &client_id)
        .await?
        .is_some_and(|c| !c.disabled && redirect_uri::is_registered(&c.redirect_uris, &request.redirect_uri));
    if !still_valid || !authorization_requests::consume(&state.db, request.id).await? {
        return Ok(Step::Expired);
    }
    let stored = |what: &str| Error::Internal(anyhow::anyhow!("stored authorization request has a bad {what}"));
    let code = NewCode {
        client_id,
        user: session.user,
        tenant,
        session: session.id,
        redirect_uri: request.redirect_uri.clone(),
        scopes: ScopeSet::from_names(request.scopes.iter().map(String::as_str)).map_err(|_| stored("scope"))?,
        nonce: request.nonce.clone(),
        code_challenge: CodeChallenge::from_stored(&request.code_challenge).map_err(|_| stored("challenge"))?,
        auth_time: session.auth_time,
    };
    let code = issue_code(&state.db, Duration::from_secs(state.settings.code_ttl_secs), code).await?;
    let mut params = vec![("code", code.as_str())];
    if let Some(client_state) = &request.state {
        params.push(("state", client_state));
    }
    let location = redirect_location(&request.redirect_uri, &params).ok_or_else(|| stored("redirect_uri"))?;
    Ok(Step::Redirect(location))
}
