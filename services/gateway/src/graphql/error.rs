//! The one error type of the GraphQL API: a code from the fixed set of
//! `tp_errors::ErrorKind` in `extensions.code`, and a message safe to show a client.
//!
//! Server-side failures (INTERNAL, UNAVAILABLE) are logged here, once, with their cause and a
//! fresh `errorId`; the client gets a fixed message and that id, never the cause.

use async_graphql::{ErrorExtensions, Response, ServerError, Value};
use tp_errors::ErrorKind;

#[derive(Debug, Clone)]
pub struct GqlError {
    kind: ErrorKind,
    message: String,
    error_id: Option<String>,
    retry_after_secs: Option<u64>,
}

impl GqlError {
    /// A client-side error whose message the caller may read.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into(), error_id: None, retry_after_secs: None }
    }

    pub fn unauthenticated() -> Self {
        Self::new(ErrorKind::Unauthenticated, "sign in: this field needs a valid access token")
    }

    pub fn forbidden() -> Self {
        Self::new(ErrorKind::Forbidden, "not allowed")
    }

    pub fn not_found() -> Self {
        Self::new(ErrorKind::NotFound, "not found")
    }

    pub fn bad_input(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::BadUserInput, message)
    }

    pub fn rate_limited(retry_after_secs: u64) -> Self {
        let mut err = Self::new(ErrorKind::RateLimited, "too many requests; retry later");
        err.retry_after_secs = Some(retry_after_secs);
        err
    }

    /// A server-side failure: logged with its cause and an id; the client sees neither.
    pub fn server(kind: ErrorKind, cause: &(dyn std::error::Error + 'static)) -> Self {
        let error_id = uuid::Uuid::new_v4().to_string();
        tracing::error!(error_id = %error_id, code = kind.as_str(), error = %tp_errors::error_chain(cause), "request failed");
        let message = match kind {
            ErrorKind::Unavailable => "a service this field needs is unavailable; try again shortly",
            _ => "internal error",
        };
        Self { kind, message: message.to_owned(), error_id: Some(error_id), retry_after_secs: None }
    }

    pub const fn kind(&self) -> ErrorKind {
        self.kind
    }

    pub const fn retry_after_secs(&self) -> Option<u64> {
        self.retry_after_secs
    }

    /// The error as a response-level GraphQL error (no path), for failures before execution.
    pub fn into_server_error(self) -> ServerError {
        async_graphql::Error::from(self).into_server_error(async_graphql::Pos::default())
    }
}

impl std::fmt::Display for GqlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<GqlError> for async_graphql::Error {
    fn from(err: GqlError) -> Self {
        async_graphql::Error::new(err.message.clone()).extend_with(|_, ext| {
            ext.set("code", err.kind.as_str());
            if let Some(id) = &err.error_id {
                ext.set("errorId", id.as_str());
            }
            if let Some(secs) = err.retry_after_secs {
                ext.set("retryAfter", secs);
            }
        })
    }
}

impl From<tp_authz::Denied> for GqlError {
    fn from(denied: tp_authz::Denied) -> Self {
        match denied {
            tp_authz::Denied::Forbidden => Self::forbidden(),
            tp_authz::Denied::NotFound => Self::not_found(),
        }
    }
}

/// Gives every error of a response a code. Errors async-graphql raised itself (syntax,
/// validation, the depth, complexity and alias limits) are the caller's: BAD_USER_INPUT. An
/// error with a path but no code came out of a resolver without going through [`GqlError`]:
/// its message is not known to be safe, so it is masked as INTERNAL.
pub fn classify(response: &mut Response) {
    for error in &mut response.errors {
        let has_code = error.extensions.as_ref().is_some_and(|ext| ext.get("code").is_some());
        if has_code {
            continue;
        }
        let kind = if error.path.is_empty() { ErrorKind::BadUserInput } else { ErrorKind::Internal };
        if kind == ErrorKind::Internal {
            let cause = std::io::Error::other(std::mem::take(&mut error.message));
            let masked = GqlError::server(ErrorKind::Internal, &cause);
            error.message = masked.message.clone();
            error.extensions.get_or_insert_with(Default::default).set("errorId", masked.error_id.unwrap_or_default());
        }
        error.extensions.get_or_insert_with(Default::default).set("code", Value::from(kind.as_str()));
    }
}
