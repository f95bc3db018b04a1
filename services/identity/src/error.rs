//! identity's domain error: what a caller of the JSON API acts on, with a stable code.
//! Every `Display` is safe to show a client; causes stay in `#[source]` for the logs.
//! OAuth endpoints answer in RFC 6749 form instead (`http::oauth_error`).

use axum::response::{IntoResponse, Response};
use tp_errors::{ErrorKind, ServiceError};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("authentication required")]
    Unauthenticated,
    #[error("not allowed")]
    Forbidden,
    /// Also answered for objects of another tenant: their existence is not revealed.
    #[error("not found")]
    NotFound,
    #[error("invalid {field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    /// An account link (invitation, reset, verification) that is unknown, used or expired;
    /// which of these is not said.
    #[error("this link is invalid or has expired")]
    InvalidLink,
    #[error("{0} already exists")]
    Conflict(&'static str),
    #[error("a dependency is unavailable")]
    Unavailable(#[source] anyhow::Error),
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl Error {
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Self::Invalid { field, reason: reason.into() }
    }
}

impl ServiceError for Error {
    fn kind(&self) -> ErrorKind {
        match self {
            Error::Unauthenticated => ErrorKind::Unauthenticated,
            Error::Forbidden => ErrorKind::Forbidden,
            Error::NotFound => ErrorKind::NotFound,
            Error::Invalid { .. } => ErrorKind::BadUserInput,
            Error::InvalidLink => ErrorKind::BadUserInput,
            Error::Conflict(_) => ErrorKind::Conflict,
            Error::Unavailable(_) => ErrorKind::Unavailable,
            Error::Internal(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Error::Unauthenticated => "IDENTITY_UNAUTHENTICATED",
            Error::Forbidden => "IDENTITY_FORBIDDEN",
            Error::NotFound => "IDENTITY_NOT_FOUND",
            Error::Invalid { .. } => "IDENTITY_INVALID_INPUT",
            Error::InvalidLink => "IDENTITY_INVALID_LINK",
            Error::Conflict(_) => "IDENTITY_CONFLICT",
            Error::Unavailable(_) => "IDENTITY_UNAVAILABLE",
            Error::Internal(_) => "IDENTITY_INTERNAL",
        }
    }
}

impl From<sea_orm::DbErr> for Error {
    fn from(err: sea_orm::DbErr) -> Self {
        Error::Internal(err.into())
    }
}

impl From<tp_db::DbError> for Error {
    fn from(err: tp_db::DbError) -> Self {
        match err {
            tp_db::DbError::Unavailable(_) => Error::Unavailable(err.into()),
            tp_db::DbError::Query(_) => Error::Internal(err.into()),
        }
    }
}

impl From<tp_vault::VaultError> for Error {
    fn from(err: tp_vault::VaultError) -> Self {
        match err {
            tp_vault::VaultError::Unavailable(_) => Error::Unavailable(err.into()),
            _ => Error::Internal(err.into()),
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        tp_errors::into_response(self)
    }
}
