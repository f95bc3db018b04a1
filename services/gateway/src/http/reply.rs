//! GraphQL-shaped answers for requests refused before execution: an HTTP status that says
//! what happened, and the usual `{"errors": [...]}` body with the code, so clients handle
//! one format.

use axum::Json;
use axum::http::header::{RETRY_AFTER, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use tp_errors::ErrorKind;

use crate::graphql::error::GqlError;

pub fn refuse(err: GqlError) -> Response {
    let status = match err.kind() {
        // A bad body is 400 unless a more precise status was chosen by the caller.
        ErrorKind::BadUserInput => StatusCode::BAD_REQUEST,
        kind => kind.status(),
    };
    refuse_with(status, err)
}

pub fn refuse_with(status: StatusCode, err: GqlError) -> Response {
    let retry_after = err.retry_after_secs();
    let kind = err.kind();
    let body = async_graphql::Response::from_errors(vec![err.into_server_error()]);
    let mut response = (status, Json(body)).into_response();
    if let Some(secs) = retry_after
        && let Ok(value) = HeaderValue::from_str(&secs.to_string())
    {
        response.headers_mut().insert(RETRY_AFTER, value);
    }
    if kind == ErrorKind::Unauthenticated {
        response.headers_mut().insert(WWW_AUTHENTICATE, HeaderValue::from_static(r#"Bearer error="invalid_token""#));
    }
    response
}
