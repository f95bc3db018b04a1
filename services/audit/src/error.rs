//! The audit service's error: what a caller of its API acts on, with a stable code. Every
//! `Display` is safe to show a client; causes stay in `#[source]` for the logs.

use axum::response::{IntoResponse, Response};
use tp_errors::{ErrorKind, ServiceError};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not allowed")]
    Forbidden,
    /// Also answered for another tenant's chain: its existence is not revealed.
    #[error("not found")]
    NotFound,
    #[error("invalid {field}")]
    Invalid { field: &'static str },
    #[error("a dependency is unavailable")]
    Unavailable(#[source] anyhow::Error),
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl ServiceError for Error {
    fn kind(&self) -> ErrorKind {
        match self {
            Error::Forbidden => ErrorKind::Forbidden,
            Error::NotFound => ErrorKind::NotFound,
            Error::Invalid { .. } => ErrorKind::BadUserInput,
            Error::Unavailable(_) => ErrorKind::Unavailable,
            Error::Internal(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Error::Forbidden => "AUDIT_FORBIDDEN",
            Error::NotFound => "AUDIT_NOT_FOUND",
            Error::Invalid { .. } => "AUDIT_INVALID_INPUT",
            Error::Unavailable(_) => "AUDIT_UNAVAILABLE",
            Error::Internal(_) => "AUDIT_INTERNAL",
        }
    }
}

impl From<tp_authz::Denied> for Error {
    fn from(denied: tp_authz::Denied) -> Self {
        match denied {
            tp_authz::Denied::Forbidden => Error::Forbidden,
            tp_authz::Denied::NotFound => Error::NotFound,
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
