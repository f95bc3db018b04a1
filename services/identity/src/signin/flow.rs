//! The sign-in state machine: given the browser's session (if any) and a stored
//! authorization request, what comes next — the sign-in page, the second factor, the
//! enrolment, the practice chooser, or the code redirect.
//!
//! Every path that issues a code or fixes a practice goes through [`proceed`], and both
//! require stage `authenticated`: there is no other way to a code, so MFA cannot be
//! skipped by calling a later step directly.

use std::time::Duration;
use tp_audit_log::action::identity as audit;
use tp_audit_log::{Actor, AuditEvent, Outcome, Subject};

use tp_ids::{ClientId, TenantId, UserId};

use super::request::redirect_location;
use super::session::SignInSession;
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
    let tenant = if operator {
        None
    } else if let Some(tenant) = session.tenant {
        Some(tenant)
    } else {
        let practices = own_memberships::list_active(&state.db, session.user).await?;
        if practices.len() > 1 {
            return Ok(Step::ChooseTenant(practices));
        }
        let Some(only) = practices.first() else { return Ok(Step::NoPractice) };
        if !choose(state, session, only).await? {
            return Ok(Step::Expired);
        }
        Some(only.tenant)
    };
    issue(state, session, tenant, request).await
}

/// Fixes `membership`'s practice on the session; `false` if the session moved meanwhile.
async fn choose(state: &AppState, session: &SignInSession, membership: &OwnMembership) -> Result<bool, Error> {
    let chosen =
        sessions::choose_tenant(&state.db, session.id, membership.tenant, membership.absolute_timeout_secs).await?;
    if chosen {
        // The person is now signed in to this practice: the event its admins see.
        let event = AuditEvent::new(audit::SIGN_IN_SUCCEEDED, Outcome::Success, Actor::User(session.user))
            .tenant(membership.tenant)
            .subject(Subject::new("session", session.id));
        crate::audit::emit(&state.db, event).await?;
    }
    Ok(chosen)
}

/// The person picked `tenant` on the chooser page. Only one of their own active
/// memberships is accepted (a forged id is `Err(Forbidden)`), and only for an
/// authenticated session without a practice yet; anything else just proceeds, which shows
/// whatever step the session really is at.
pub(crate) async fn choose_tenant(
    state: &AppState,
    session: &SignInSession,
    tenant: TenantId,
    request: &StoredRequest,
) -> Result<Step, Error> {
    if session.stage == Stage::Authenticated && session.tenant.is_none() {
        let practices = own_memberships::list_active(&state.db, session.user).await?;
        let membership = practices.iter().find(|m| m.tenant == tenant).ok_or(Error::Forbidden)?;
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
