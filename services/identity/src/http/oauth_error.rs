//! The HTTP form of [`OAuthError`] (RFC 6749 section 5.2): JSON `{error, error_description}`,
//! 400 for request faults, 401 with `WWW-Authenticate` for `invalid_client`, 500/503 for our
//! own failures (logged here, once, with their cause), and never cached.

use axum::Json;
use axum::http::header::{CACHE_CONTROL, PRAGMA, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::oauth::{OAuthError, OAuthErrorKind};

/// Token responses and errors carry secrets or their absence: no cache may keep them.
pub(crate) const NO_STORE: [(axum::http::HeaderName, &str); 2] = [(CACHE_CONTROL, "no-store"), (PRAGMA, "no-cache")];

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let status = match self.kind {
            OAuthErrorKind::InvalidClient => StatusCode::UNAUTHORIZED,
            OAuthErrorKind::ServerError => StatusCode::INTERNAL_SERVER_ERROR,
            OAuthErrorKind::TemporarilyUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::BAD_REQUEST,
        };
        if let Some(cause) = &self.cause {
            tracing::error!(error = self.kind.code(), cause = %tp_errors::error_chain(cause), "oauth request failed");
        }
        let body = serde_json::json!({ "error": self.kind.code(), "error_description": self.description });
        let mut response = (status, NO_STORE, Json(body)).into_response();
        if self.kind == OAuthErrorKind::InvalidClient {
            response.headers_mut().insert(WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"identity\""));
        }
        response
    }
}
