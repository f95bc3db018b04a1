//! `POST /oauth2/login`: the email-and-password form of the sign-in page, and the session
//! cookie it sets.
//!
//! CSRF is checked before anything else (a refused form creates no session). A correct
//! password always starts a *new* session with a new cookie, whatever cookie the browser
//! had (no session fixation), and rotates the CSRF token.

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum_extra::extract::Form;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use secrecy::SecretString;
use serde::Deserialize;

use super::authorize::{continue_with_session, fail, load_request, secure};
use crate::http::csrf;
use crate::http::pages::signin::{self as pages, WRONG_CREDENTIALS};
use crate::signin::{password, session};
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/oauth2/login", post(login))
}

/// The session cookie: HttpOnly (no script reads it), SameSite=Lax (it must come along on
/// the top-level navigation from a client app to /oauth2/authorize; Strict would drop it
/// there and force a sign-in every time), Secure outside dev and test, whole site. No
/// Max-Age: it ends with the browser, and the server-side timeouts end it sooner.
pub(super) fn session_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build((session::COOKIE, token)).path("/").http_only(true).secure(secure).same_site(SameSite::Lax).build()
}

pub(super) fn clear_session_cookie(jar: CookieJar) -> CookieJar {
    jar.remove(Cookie::build(session::COOKIE).path("/"))
}

/// Every field defaults, so a missing one is refused by our checks (a missing `csrf` is a
/// 403 like a wrong one), not by the extractor.
#[derive(Deserialize, Default)]
#[serde(default)]
struct LoginForm {
    csrf: String,
    request: String,
    email: String,
    password: String,
}

async fn login(State(state): State<AppState>, jar: CookieJar, Form(form): Form<LoginForm>) -> Response {
    if let Err(rejected) = csrf::verify(&jar, &form.csrf) {
        return rejected.into_response();
    }
    let request = match load_request(&state, &form.request).await {
        Ok(request) => request,
        Err(page) => return page,
    };
    match password::sign_in(&state, &form.email, SecretString::from(form.password)).await {
        Err(err) => fail(err),
        Ok(Err(password::Refused)) => {
            let (jar, csrf) = csrf::issue(jar, secure(&state));
            (jar, pages::sign_in(&csrf, request.id, Some(WRONG_CREDENTIALS))).into_response()
        }
        Ok(Ok(token)) => {
            let (jar, _) = csrf::rotate(jar, secure(&state));
            let jar = jar.add(session_cookie(token, secure(&state)));
            continue_with_session(&state, jar, &request).await
        }
    }
}
