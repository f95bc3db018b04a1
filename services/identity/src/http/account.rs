//! The account link pages: `/account/accept-invite`, `/account/forgot-password`,
//! `/account/reset-password`, `/account/verify-email`. Each GET renders a form (setting the
//! CSRF cookie), each POST checks CSRF first, then calls one `accounts` function.
//!
//! Tokens travel in the link's query on GET and in a hidden field on POST; request logs
//! record route templates only, never queries (`tp_server`), and pages send no Referer.

use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum_extra::extract::Form;
use axum_extra::extract::cookie::CookieJar;
use secrecy::SecretString;
use serde::Deserialize;

use crate::accounts::{self, InviteView};
use crate::domain::account_token::AccountToken;
use crate::domain::email::Email;
use crate::error::Error;
use crate::http::csrf;
use crate::http::pages::account as pages;
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/account/accept-invite", get(accept_invite_page).post(accept_invite))
        .route("/account/forgot-password", get(forgot_password_page).post(forgot_password))
        .route("/account/reset-password", get(reset_password_page).post(reset_password))
        .route("/account/verify-email", get(verify_email_page).post(verify_email))
}

#[derive(Deserialize)]
struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// Every field defaults, so a missing one is refused by our own checks (a missing `csrf`
/// is a 403 like a wrong one), not by the extractor.
#[derive(Deserialize, Default)]
#[serde(default)]
struct LinkForm {
    csrf: String,
    token: String,
    password: String,
    password_confirm: String,
    email: String,
}

fn secure(state: &AppState) -> bool {
    state.settings.cookie_secure(state.environment)
}

/// The page for an error no form can fix: a dead link, or our own failure (logged once here).
fn failure_page(err: Error) -> Response {
    match err {
        Error::InvalidLink => pages::invalid_link(),
        err => {
            tracing::error!(code = tp_errors::ServiceError::code(&err), error = %tp_errors::error_chain(&err), "account page failed");
            pages::unavailable()
        }
    }
}

/// The rule a refused password broke, for the form; other errors are not the person's to fix.
fn password_error(err: Error) -> Result<String, Error> {
    match err {
        Error::Invalid { field: "password", reason } => Ok(format!("The password {reason}.")),
        err => Err(err),
    }
}

const MISMATCH: &str = "The two passwords do not match.";

async fn accept_invite_page(State(state): State<AppState>, jar: CookieJar, Query(q): Query<TokenQuery>) -> Response {
    let Some(token) = AccountToken::parse(&q.token) else { return pages::invalid_link() };
    match accounts::peek_invite(&state, &token).await {
        Ok(view) => {
            let (jar, csrf) = csrf::issue(jar, secure(&state));
            (jar, pages::accept_invite(&csrf, token.expose(), view == InviteView::SetPassword, None)).into_response()
        }
        Err(err) => failure_page(err),
    }
}

async fn accept_invite(State(state): State<AppState>, jar: CookieJar, Form(form): Form<LinkForm>) -> Response {
    if let Err(rejected) = csrf::verify(&jar, &form.csrf) {
        return rejected.into_response();
    }
    let Some(token) = AccountToken::parse(&form.token) else { return pages::invalid_link() };
    let refused = |error: &str| {
        let (jar, csrf) = csrf::issue(jar.clone(), secure(&state));
        (jar, pages::accept_invite(&csrf, token.expose(), true, Some(error))).into_response()
    };
    if form.password != form.password_confirm {
        return refused(MISMATCH);
    }
    let password = (!form.password.is_empty()).then(|| SecretString::from(form.password));
    match accounts::accept_invite(&state, &token, password).await {
        Ok(()) => pages::invite_accepted(),
        Err(err) => match password_error(err) {
            Ok(message) => refused(&message),
            Err(err) => failure_page(err),
        },
    }
}

async fn forgot_password_page(State(state): State<AppState>, jar: CookieJar) -> Response {
    let (jar, csrf) = csrf::issue(jar, secure(&state));
    (jar, pages::forgot_password(&csrf)).into_response()
}

/// Answers at once, the same for every address; the look-up and the email happen after,
/// in the background, so the response time does not tell whether an account exists.
async fn forgot_password(State(state): State<AppState>, jar: CookieJar, Form(form): Form<LinkForm>) -> Response {
    if let Err(rejected) = csrf::verify(&jar, &form.csrf) {
        return rejected.into_response();
    }
    if let Ok(email) = Email::parse(&form.email) {
        tokio::spawn(async move {
            if let Err(err) = accounts::request_password_reset(&state, &email).await {
                tracing::error!(error = %tp_errors::error_chain(&err), "password reset email failed");
            }
        });
    }
    pages::reset_link_sent()
}

async fn reset_password_page(State(state): State<AppState>, jar: CookieJar, Query(q): Query<TokenQuery>) -> Response {
    let Some(token) = AccountToken::parse(&q.token) else { return pages::invalid_link() };
    match accounts::peek_password_reset(&state, &token).await {
        Ok(()) => {
            let (jar, csrf) = csrf::issue(jar, secure(&state));
            (jar, pages::reset_password(&csrf, token.expose(), None)).into_response()
        }
        Err(err) => failure_page(err),
    }
}

async fn reset_password(State(state): State<AppState>, jar: CookieJar, Form(form): Form<LinkForm>) -> Response {
    if let Err(rejected) = csrf::verify(&jar, &form.csrf) {
        return rejected.into_response();
    }
    let Some(token) = AccountToken::parse(&form.token) else { return pages::invalid_link() };
    let refused = |error: &str| {
        let (jar, csrf) = csrf::issue(jar.clone(), secure(&state));
        (jar, pages::reset_password(&csrf, token.expose(), Some(error))).into_response()
    };
    if form.password != form.password_confirm {
        return refused(MISMATCH);
    }
    match accounts::reset_password(&state, &token, SecretString::from(form.password)).await {
        Ok(()) => pages::password_changed(),
        Err(err) => match password_error(err) {
            Ok(message) => refused(&message),
            Err(err) => failure_page(err),
        },
    }
}

async fn verify_email_page(State(state): State<AppState>, jar: CookieJar, Query(q): Query<TokenQuery>) -> Response {
    let Some(token) = AccountToken::parse(&q.token) else { return pages::invalid_link() };
    match accounts::peek_email_verification(&state, &token).await {
        Ok(()) => {
            let (jar, csrf) = csrf::issue(jar, secure(&state));
            (jar, pages::verify_email(&csrf, token.expose())).into_response()
        }
        Err(err) => failure_page(err),
    }
}

async fn verify_email(State(state): State<AppState>, jar: CookieJar, Form(form): Form<LinkForm>) -> Response {
    if let Err(rejected) = csrf::verify(&jar, &form.csrf) {
        return rejected.into_response();
    }
    let Some(token) = AccountToken::parse(&form.token) else { return pages::invalid_link() };
    match accounts::verify_email(&state, &token).await {
        Ok(()) => pages::email_verified(),
        Err(err) => failure_page(err),
    }
}
