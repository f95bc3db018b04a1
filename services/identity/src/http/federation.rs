//! The browser legs of per-practice SSO: `GET /federation/start?tenant=<slug>&request=<id>`
//! redirects to the practice's IdP and binds this browser to the flow with a cookie;
//! `GET /federation/callback` is where the IdP sends the person back. Failures answer with
//! the HTML page of [`FederationError`]; success starts a session bound to that practice
//! (`signin::federated`) and continues the sign-in.

use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use serde::Deserialize;
use uuid::Uuid;

use super::authorize::{continue_with_session, fail, load_request, secure};
use super::login::session_cookie;
use crate::federation::{self, AuthorizationRequestId, CallbackParams, FederatedSignIn, FederationError};
use crate::http::csrf;
use crate::http::pages::signin as pages;
use crate::signin::federated;
use crate::state::AppState;

const CALLBACK_PATH: &str = "/federation/callback";
/// Holds the flow's state; sent back only to the callback. A session cookie: the state
/// itself expires server-side after `STATE_TTL_SECS`.
const STATE_COOKIE: &str = "tp_federation_state";

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/federation/start", get(start)).route(CALLBACK_PATH, get(callback))
}

#[derive(Deserialize)]
struct StartQuery {
    tenant: Option<String>,
    request: Option<String>,
}

async fn start(
    State(state): State<AppState>,
    jar: CookieJar,
    Query(query): Query<StartQuery>,
) -> Result<(CookieJar, Redirect), FederationError> {
    let slug = query.tenant.ok_or(FederationError::UnknownPractice)?;
    let request =
        query.request.as_deref().and_then(|r| Uuid::parse_str(r).ok()).ok_or(FederationError::RequestExpired)?;
    let flow = federation::start_for_slug(&state, &slug, AuthorizationRequestId::from_uuid(request)).await?;
    // Lax: the IdP's redirect back is a top-level GET navigation from another site.
    let cookie = Cookie::build((STATE_COOKIE, flow.state))
        .path(CALLBACK_PATH)
        .http_only(true)
        .secure(state.settings.cookie_secure(state.environment))
        .same_site(SameSite::Lax);
    Ok((jar.add(cookie), Redirect::to(flow.authorization_url.as_str())))
}

async fn callback(State(state): State<AppState>, jar: CookieJar, Query(params): Query<CallbackParams>) -> Response {
    let browser_state = jar.get(STATE_COOKIE).map(|c| c.value().to_owned());
    // The state is single use whatever the outcome: the cookie goes too.
    let jar = jar.remove(Cookie::build(STATE_COOKIE).path(CALLBACK_PATH));
    match federation::finish(&state, params, browser_state.as_deref()).await {
        Ok((signin, request)) => complete(&state, jar, signin, request).await,
        Err(err) => (jar, err).into_response(),
    }
}

/// The IdP vouched for a linked member: a fresh session for that practice only (MFA still
/// asked when its policy wants it), then the authorization request continues as after a
/// password, except that no other practice is ever offered.
async fn complete(
    state: &AppState,
    jar: CookieJar,
    signin: FederatedSignIn,
    request: AuthorizationRequestId,
) -> Response {
    let token = match federated::start_session(state, signin.user, signin.tenant).await {
        Ok(Some(token)) => token,
        // The membership went away between the link and here.
        Ok(None) => return (jar, pages::no_practice()).into_response(),
        Err(err) => return fail(err),
    };
    let (jar, _) = csrf::rotate(jar, secure(state));
    let jar = jar.add(session_cookie(token, secure(state)));
    match load_request(state, &request.as_uuid().to_string()).await {
        Ok(request) => continue_with_session(state, jar, &request).await,
        Err(page) => (jar, page).into_response(),
    }
}
