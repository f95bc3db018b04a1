//! `POST /oauth2/mfa` (a TOTP or recovery code for a session in stage `mfa`) and
//! `POST /oauth2/mfa/enroll` (the first code of a new authenticator, for a session in stage
//! `mfa_enroll`, answered with the recovery codes).
//!
//! A session in another stage is simply continued, which shows the step it is really at:
//! posting here never moves a session anywhere but from its own stage to `authenticated`.

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum_extra::extract::Form;
use axum_extra::extract::cookie::CookieJar;
use secrecy::SecretString;
use serde::Deserialize;

use super::authorize::{continue_with_session, fail, load_request, secure, session_token};
use crate::db::authorization_requests::StoredRequest;
use crate::domain::session::Stage;
use crate::http::csrf;
use crate::http::pages::signin::{self as pages, WRONG_CODE};
use crate::signin::second_factor;
use crate::signin::session::{self, SignInSession};
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/oauth2/mfa", post(verify)).route("/oauth2/mfa/enroll", post(enroll))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CodeForm {
    csrf: String,
    request: String,
    code: String,
    /// Enrolment only: the secret the page showed, shown again after a mistyped code.
    secret: String,
    otpauth_url: String,
}

/// The checks every post here starts with: CSRF, the request, and a session in `stage`.
/// `Err` is the response to give instead (a session elsewhere is continued).
async fn prepare(
    state: &AppState,
    jar: &CookieJar,
    form: &CodeForm,
    stage: Stage,
) -> Result<(StoredRequest, SignInSession), Response> {
    csrf::verify(jar, &form.csrf).map_err(IntoResponse::into_response)?;
    let request = load_request(state, &form.request).await?;
    let current = session::current(state, session_token(jar)).await.map_err(fail)?;
    match current {
        Some(current) if current.stage == stage => Ok((request, current)),
        _ => Err(continue_with_session(state, jar.clone(), &request).await),
    }
}

async fn verify(State(state): State<AppState>, jar: CookieJar, Form(form): Form<CodeForm>) -> Response {
    let (request, current) = match prepare(&state, &jar, &form, Stage::Mfa).await {
        Ok(prepared) => prepared,
        Err(response) => return response,
    };
    match second_factor::verify(&state, &current, SecretString::from(form.code)).await {
        Ok(Ok(())) => continue_with_session(&state, jar, &request).await,
        Ok(Err(second_factor::CodeRefused)) => {
            let (jar, csrf) = csrf::issue(jar, secure(&state));
            (jar, pages::second_factor(&csrf, request.id, Some(WRONG_CODE))).into_response()
        }
        Err(err) => fail(err),
    }
}

async fn enroll(State(state): State<AppState>, jar: CookieJar, Form(form): Form<CodeForm>) -> Response {
    let (request, current) = match prepare(&state, &jar, &form, Stage::MfaEnroll).await {
        Ok(prepared) => prepared,
        Err(response) => return response,
    };
    match second_factor::confirm_enrollment(&state, &current, form.code.trim()).await {
        Ok(Ok(codes)) => {
            let codes: Vec<String> = codes.iter().map(|c| c.expose().to_owned()).collect();
            pages::recovery_codes(request.id, &codes)
        }
        Ok(Err(second_factor::CodeRefused)) => {
            let (jar, csrf) = csrf::issue(jar, secure(&state));
            let page = pages::enroll(&csrf, request.id, &form.secret, &form.otpauth_url, Some(WRONG_CODE));
            (jar, page).into_response()
        }
        Err(err) => fail(err),
    }
}
