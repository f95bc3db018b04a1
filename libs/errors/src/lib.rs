//! The one mapping from a service's error to an HTTP response.
//!
//! Each service defines its own `Error` enum (thiserror) whose variants are things a caller
//! acts on, and implements [`ServiceError`] for it: a [`ErrorKind`] (the fixed, public set of
//! categories the gateway also uses in GraphQL `extensions.code`) and a stable, greppable code
//! such as `RECORDS_NOTE_SIGNED`. [`into_response`] turns it into JSON. Its rules:
//! - the `Display` of the error is the client-facing message, so it must be safe to show
//!   (no PHI, no SQL, no internals); causes stay in `source()` and reach only the logs;
//! - server-side failures (`INTERNAL`, `UNAVAILABLE`) show a fixed message plus an error id,
//!   and the full cause chain is logged once, here, under that id.

use std::error::Error as StdError;
use std::fmt::Write as _;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// The public error categories. Part of the API contract: never renamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorKind {
    Unauthenticated,
    Forbidden,
    NotFound,
    BadUserInput,
    Conflict,
    RateLimited,
    Unavailable,
    Internal,
}

impl ErrorKind {
    pub const fn status(self) -> StatusCode {
        match self {
            ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
            ErrorKind::Forbidden => StatusCode::FORBIDDEN,
            ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::BadUserInput => StatusCode::BAD_REQUEST,
            ErrorKind::Conflict => StatusCode::CONFLICT,
            ErrorKind::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Unauthenticated => "UNAUTHENTICATED",
            ErrorKind::Forbidden => "FORBIDDEN",
            ErrorKind::NotFound => "NOT_FOUND",
            ErrorKind::BadUserInput => "BAD_USER_INPUT",
            ErrorKind::Conflict => "CONFLICT",
            ErrorKind::RateLimited => "RATE_LIMITED",
            ErrorKind::Unavailable => "UNAVAILABLE",
            ErrorKind::Internal => "INTERNAL",
        }
    }

    /// Failures of ours rather than the caller's: their details are never shown.
    pub const fn is_server_side(self) -> bool {
        matches!(self, ErrorKind::Unavailable | ErrorKind::Internal)
    }
}

/// Implemented by every service's error enum.
pub trait ServiceError: StdError + Send + Sync + 'static {
    fn kind(&self) -> ErrorKind;
    /// Stable code, `SERVICE_THING_HAPPENED`; documented in the API guide, never renamed.
    fn code(&self) -> &'static str;
}

/// The JSON body of every error response.
#[derive(Debug, Serialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize)]
pub struct ErrorDetail {
    pub kind: ErrorKind,
    pub code: &'static str,
    pub message: String,
    /// Correlates a server-side failure with its log line; absent for caller errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_id: Option<String>,
}

/// Builds the response for `err`, logging server-side failures with their cause chain.
pub fn into_response<E: ServiceError>(err: E) -> Response {
    let kind = err.kind();
    let (message, error_id) = if kind.is_server_side() {
        let id = uuid::Uuid::new_v4().to_string();
        tracing::error!(error_id = %id, code = err.code(), error = %error_chain(&err), "request failed");
        let message = match kind {
            ErrorKind::Unavailable => "a dependency is unavailable; try again shortly",
            _ => "internal error",
        };
        (message.to_owned(), Some(id))
    } else {
        (err.to_string(), None)
    };
    let body = ErrorBody { error: ErrorDetail { kind, code: err.code(), message, error_id } };
    (kind.status(), Json(body)).into_response()
}

/// `outer: cause: root cause`, for logs only.
pub fn error_chain(err: &dyn StdError) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let _ = write!(out, ": {cause}");
        source = cause.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    #[derive(Debug, thiserror::Error)]
    enum Error {
        #[error("note not found")]
        NotFound,
        #[error("database failed")]
        Db(#[source] std::io::Error),
    }

    impl ServiceError for Error {
        fn kind(&self) -> ErrorKind {
            match self {
                Error::NotFound => ErrorKind::NotFound,
                Error::Db(_) => ErrorKind::Internal,
            }
        }
        fn code(&self) -> &'static str {
            match self {
                Error::NotFound => "TEST_NOT_FOUND",
                Error::Db(_) => "TEST_INTERNAL",
            }
        }
    }

    async fn body(resp: Response) -> serde_json::Value {
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[tokio::test]
    async fn caller_errors_carry_their_message_and_code() {
        let resp = into_response(Error::NotFound);
        assert_eq!(resp.status(), StatusCode::NOT_FOUND);
        let json = body(resp).await;
        assert_eq!(json["error"]["kind"], "NOT_FOUND");
        assert_eq!(json["error"]["code"], "TEST_NOT_FOUND");
        assert_eq!(json["error"]["message"], "note not found");
        assert!(json["error"].get("error_id").is_none());
    }

    #[tokio::test]
    async fn internal_errors_hide_their_cause_behind_an_error_id() {
        let cause = std::io::Error::other("relation \"records.notes\" violates constraint");
        let resp = into_response(Error::Db(cause));
        assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let json = body(resp).await;
        let text = json.to_string();
        assert!(!text.contains("records.notes") && !text.contains("database failed"), "{text}");
        assert_eq!(json["error"]["message"], "internal error");
        assert!(json["error"]["error_id"].as_str().is_some_and(|id| id.len() == 36));
    }

    #[test]
    fn error_chain_lists_every_cause() {
        let err = Error::Db(std::io::Error::other("disk full"));
        assert_eq!(error_chain(&err), "database failed: disk full");
    }
}
