//! `GET|POST /oauth2/userinfo` (OpenID Connect Core 5.3): the signed-in person's claims,
//! for a bearer access token with `openid`; `email`/`email_verified` with `email`, `name`
//! with `profile`. Errors follow RFC 6750 (`WWW-Authenticate: Bearer ...`).
//!
//! Only the `Authorization` header carries the token: form and query tokens (RFC 6750 2.2,
//! 2.3) end up in logs and caches.

use axum::extract::State;
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Map, Value};
use tp_auth::{Actor, AuthError};

use crate::db::subjects;
use crate::domain::scope::{EMAIL, OPENID, PROFILE};
use crate::error::Error;
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/oauth2/userinfo", get(userinfo).post(userinfo))
}

fn challenge(status: StatusCode, value: &'static str) -> Response {
    (status, [(WWW_AUTHENTICATE, value), (CACHE_CONTROL, "no-store")]).into_response()
}

async fn userinfo(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let bearer = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    let Some(token) = bearer else {
        return challenge(StatusCode::UNAUTHORIZED, "Bearer realm=\"identity\"");
    };
    let invalid = || challenge(StatusCode::UNAUTHORIZED, "Bearer realm=\"identity\", error=\"invalid_token\"");
    // The same verification every service runs (tp_auth): alg allow-list, key by kid,
    // claims, then the session's revocation in Redis.
    let principal = match state.verifier.authenticate(token, &mut state.redis.clone()).await {
        Ok(principal) => principal,
        Err(err @ AuthError::Unavailable(_)) => return err.into_response(),
        Err(_) => return invalid(),
    };
    if !principal.has_scope(OPENID) {
        return challenge(
            StatusCode::FORBIDDEN,
            "Bearer realm=\"identity\", error=\"insufficient_scope\", scope=\"openid\"",
        );
    }
    // Client-credentials tokens have no person behind them.
    let Actor::User(user) = *principal.actor() else {
        return invalid();
    };
    let subject = match subjects::subject(&state.db, user).await {
        Ok(Some(subject)) if subject.active => subject,
        Ok(_) => return invalid(),
        Err(err) => return Error::from(err).into_response(),
    };
    let mut body = Map::new();
    body.insert("sub".into(), user.to_string().into());
    if principal.has_scope(EMAIL) {
        body.insert("email".into(), subject.email.into());
        body.insert("email_verified".into(), subject.email_verified.into());
    }
    if let Some(name) = subject.name.filter(|_| principal.has_scope(PROFILE)) {
        body.insert("name".into(), name.into());
    }
    ([(CACHE_CONTROL, "no-store")], Json(Value::Object(body))).into_response()
}
