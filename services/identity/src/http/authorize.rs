//! `GET /oauth2/authorize` (OpenID Connect Core 3.1.2) and `GET /oauth2/authorize/continue`
//! (where the recovery-codes page leads), plus what every sign-in step shares: rendering
//! the next [`Step`], loading the stored request a form names, and the failure page.
//!
//! An authorize request is validated, stored, and then continued exactly like a form post
//! would be: with a live session (and no `prompt=login`) the code comes at once.

use axum::Router;
use axum::extract::{Query, RawQuery, State};
use axum::http::header::CACHE_CONTROL;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;
use uuid::Uuid;

use crate::db::authorization_requests::{self, StoredRequest};
use crate::error::Error;
use crate::http::csrf;
use crate::http::pages::{account, signin as pages};
use crate::signin::flow::{self, Step};
use crate::signin::request::{self, AuthorizeRequest, ErrorRedirect, Refusal};
use crate::signin::{second_factor, session};
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/oauth2/authorize", get(authorize)).route("/oauth2/authorize/continue", get(continue_sign_in))
}

pub(super) fn secure(state: &AppState) -> bool {
    state.settings.cookie_secure(state.environment)
}

/// Our own failure, logged once here; the person sees a generic page.
pub(super) fn fail(err: Error) -> Response {
    tracing::error!(code = tp_errors::ServiceError::code(&err), error = %tp_errors::error_chain(&err), "sign-in step failed");
    account::unavailable()
}

pub(super) fn session_token(jar: &CookieJar) -> Option<&str> {
    jar.get(session::COOKIE).map(|c| c.value())
}

/// The live stored request a form names, or the page to show instead.
pub(super) async fn load_request(state: &AppState, id: &str) -> Result<StoredRequest, Response> {
    let Ok(id) = Uuid::parse_str(id) else { return Err(pages::request_expired()) };
    match authorization_requests::find_live(&state.db, id).await {
        Ok(Some(request)) => Ok(request),
        Ok(None) => Err(pages::request_expired()),
        Err(err) => Err(fail(err.into())),
    }
}

fn see_other(jar: CookieJar, location: &str) -> Response {
    (jar, [(CACHE_CONTROL, "no-store")], Redirect::to(location)).into_response()
}

/// Shows `step` for `request`; `jar` carries any cookie set by the step that led here.
pub(super) async fn render(state: &AppState, jar: CookieJar, request: &StoredRequest, step: Step) -> Response {
    let (jar, csrf) = csrf::issue(jar, secure(state));
    let page = match step {
        Step::Redirect(location) => return see_other(jar, &location),
        Step::Expired => pages::request_expired(),
        Step::NoPractice => pages::no_practice(),
        Step::SignIn => pages::sign_in(&csrf, request.id, None),
        Step::SecondFactor => pages::second_factor(&csrf, request.id, None),
        Step::Enroll(user) => match second_factor::begin_enrollment(state, user).await {
            Ok(e) => pages::enroll(&csrf, request.id, &e.secret_base32, &e.otpauth_url, None),
            Err(err) => return fail(err),
        },
        Step::ChooseTenant(practices) => {
            let choices: Vec<(String, String)> =
                practices.into_iter().map(|m| (m.tenant.to_string(), m.name)).collect();
            pages::choose_tenant(&csrf, request.id, &choices)
        }
    };
    (jar, page).into_response()
}

/// Continues `request` with the browser's current session.
pub(super) async fn continue_with_session(state: &AppState, jar: CookieJar, request: &StoredRequest) -> Response {
    let step = match session::current(state, session_token(&jar)).await {
        Ok(current) => flow::proceed(state, current.as_ref(), request).await,
        Err(err) => Err(err),
    };
    match step {
        Ok(step) => render(state, jar, request, step).await,
        Err(err) => fail(err),
    }
}

fn error_redirect(redirect: &ErrorRedirect) -> Response {
    match redirect.location() {
        Some(location) => see_other(CookieJar::new(), &location),
        None => pages::bad_request("The application's address cannot be used."),
    }
}

async fn authorize(State(state): State<AppState>, jar: CookieJar, RawQuery(query): RawQuery) -> Response {
    let request = match request::validate(&state.db, query.as_deref().unwrap_or_default()).await {
        Ok(request) => request,
        Err(Refusal::Page(reason)) => return pages::bad_request(reason),
        Err(Refusal::Redirect(redirect)) => return error_redirect(&redirect),
        Err(Refusal::Internal(err)) => return fail(err),
    };
    match begin(&state, jar, request).await {
        Ok(response) => response,
        Err(err) => fail(err),
    }
}

/// Stores the validated request and takes the first step; with `prompt=none`, anything but
/// a code becomes a `login_required` (or `interaction_required`) redirect.
async fn begin(state: &AppState, jar: CookieJar, request: AuthorizeRequest) -> Result<Response, Error> {
    let current = session::current(state, session_token(&jar)).await?;
    if let Some(current) = &current {
        session::touch(state, current).await?;
    }
    let stored = StoredRequest {
        id: Uuid::new_v4(),
        client_id: request.client_id.to_string(),
        redirect_uri: request.redirect_uri.clone(),
        scopes: request.scopes.to_vec(),
        state: request.state.clone(),
        nonce: request.nonce.clone(),
        code_challenge: request.challenge.as_str().to_owned(),
        min_auth_time: None,
    };
    authorization_requests::insert(&state.db, &stored, request.min_auth_age_secs).await?;
    // Read back: `min_auth_time` is set by the database clock, like sessions' `auth_time`.
    let stored = authorization_requests::find_live(&state.db, stored.id)
        .await?
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("authorization request vanished")))?;
    let step = flow::proceed(state, current.as_ref(), &stored).await?;
    if request.prompt.none && !matches!(step, Step::Redirect(_)) {
        authorization_requests::consume(&state.db, stored.id).await?;
        let error = match step {
            Step::ChooseTenant(_) | Step::NoPractice => "interaction_required",
            _ => "login_required",
        };
        let description = "the person must sign in first";
        let redirect = ErrorRedirect { redirect_uri: request.redirect_uri, state: request.state, error, description };
        return Ok(error_redirect(&redirect));
    }
    Ok(render(state, jar, &stored, step).await)
}

#[derive(Deserialize)]
struct ContinueQuery {
    #[serde(default)]
    request: String,
}

async fn continue_sign_in(State(state): State<AppState>, jar: CookieJar, Query(q): Query<ContinueQuery>) -> Response {
    match load_request(&state, &q.request).await {
        Ok(request) => continue_with_session(&state, jar, &request).await,
        Err(page) => page,
    }
}
