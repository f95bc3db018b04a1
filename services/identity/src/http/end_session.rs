//! `GET /oauth2/end-session` (OpenID Connect RP-Initiated Logout 1.0) and its confirmation
//! `POST /oauth2/end-session`.
//!
//! With a valid `id_token_hint` the hinted session ends at once (and the browser's own
//! session, if it is the same person's), then the browser goes to the
//! `post_logout_redirect_uri` if it is registered for the hint's client, else to our
//! signed-out page. Without a valid hint a third party could sign people out by linking
//! here, so the person confirms with a CSRF-protected button, and nothing is redirected.

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::header::CACHE_CONTROL;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum_extra::extract::Form;
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;
use tp_audit_log::Actor;
use tp_audit_log::action::identity::SESSION_ENDED;

use super::authorize::{fail, secure, session_token};
use super::login::clear_session_cookie;
use crate::error::Error;
use crate::http::csrf;
use crate::http::pages::signin as pages;
use crate::oauth::params::Params;
use crate::signin::logout;
use crate::signin::session;
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/oauth2/end-session", get(end_session).post(confirm))
}

async fn end_session(State(state): State<AppState>, jar: CookieJar, RawQuery(query): RawQuery) -> Response {
    let Ok(params) = Params::parse(query.as_deref().unwrap_or_default().as_bytes()) else {
        return pages::bad_request("A parameter was sent twice.");
    };
    match hinted_logout(&state, jar, &params).await {
        Ok(response) => response,
        Err(err) => fail(err),
    }
}

async fn hinted_logout(state: &AppState, jar: CookieJar, params: &Params) -> Result<Response, Error> {
    let hint = match params.get("id_token_hint") {
        Some(token) => logout::verify_id_token_hint(state, token).await?,
        None => None,
    };
    // A client_id that contradicts the hint's audience makes the hint unusable.
    let hint = hint.filter(|h| params.get("client_id").is_none_or(|id| id == h.client_id.as_str()));
    let Some(hint) = hint else {
        let (jar, csrf) = csrf::issue(jar, secure(state));
        return Ok((jar, pages::confirm_sign_out(&csrf)).into_response());
    };
    let by = || Actor::User(hint.user);
    session::end(state, hint.session, SESSION_ENDED, by()).await?;
    let mut jar = jar;
    if let Some(current) = session::current(state, session_token(&jar)).await? {
        if current.user == hint.user {
            session::end(state, current.id, SESSION_ENDED, by()).await?;
            jar = clear_session_cookie(jar);
        }
    } else {
        jar = clear_session_cookie(jar);
    }
    let location = match params.get("post_logout_redirect_uri") {
        Some(uri) => logout::post_logout_location(state, &hint, uri, params.get("state")).await?,
        None => None,
    };
    Ok(match location {
        Some(location) => (jar, [(CACHE_CONTROL, "no-store")], Redirect::to(&location)).into_response(),
        None => (jar, pages::signed_out()).into_response(),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ConfirmForm {
    csrf: String,
}

async fn confirm(State(state): State<AppState>, jar: CookieJar, Form(form): Form<ConfirmForm>) -> Response {
    if let Err(rejected) = csrf::verify(&jar, &form.csrf) {
        return rejected.into_response();
    }
    let ended = async {
        if let Some(current) = session::current(&state, session_token(&jar)).await? {
            session::end(&state, current.id, SESSION_ENDED, Actor::User(current.user)).await?;
        }
        Ok::<_, Error>(())
    }
    .await;
    match ended {
        Ok(()) => (clear_session_cookie(jar), pages::signed_out()).into_response(),
        Err(err) => fail(err),
    }
}
