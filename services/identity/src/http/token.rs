//! `POST /oauth2/token` (RFC 6749 section 3.2): form-encoded in, JSON out, never cached.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};

use super::oauth_error::NO_STORE;
use crate::oauth::OAuthError;
use crate::oauth::grant;
use crate::oauth::params::Params;
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/oauth2/token", post(token))
}

async fn token(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let result = async {
        let params = form(&headers, &body)?;
        grant::token(&state, authorization(&headers), &params).await
    }
    .await;
    match result {
        Ok(tokens) => (NO_STORE, Json(tokens)).into_response(),
        Err(err) => err.into_response(),
    }
}

/// The form body of an OAuth endpoint; anything but `application/x-www-form-urlencoded` is
/// `invalid_request` (a JSON body would otherwise read as an empty form).
pub(super) fn form(headers: &HeaderMap, body: &[u8]) -> Result<Params, OAuthError> {
    let is_form = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(OAuthError::invalid_request("the body must be application/x-www-form-urlencoded"));
    }
    Params::parse(body)
}

pub(super) fn authorization(headers: &HeaderMap) -> Option<&str> {
    headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok())
}
