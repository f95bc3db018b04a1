//! records' error: what a caller of its JSON API acts on, with a stable `RECORDS_*` code.
//! Every `Display` is safe to show a client (no PHI, no SQL); causes stay in `#[source]`
//! for the logs (`tp_errors::into_response` logs server-side ones once, with an error id).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tp_errors::{ErrorKind, ServiceError};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not allowed")]
    Forbidden,
    /// Also the answer for another practice's ids: their existence is not revealed.
    #[error("not found")]
    NotFound,
    /// consent's decision does not permit the disclosure asked for (nothing is made). It says
    /// no more: not which authorization is missing, revoked or restricted.
    #[error("the client has not authorized this disclosure")]
    DisclosureNotAuthorized,
    /// The resource is not in a state that allows this (a signed note edited or signed again).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("invalid {field}: {reason}")]
    Invalid { field: &'static str, reason: &'static str },
    /// A document over the limit: answered 413 (kind BAD_USER_INPUT).
    #[error("the document exceeds the limit of 20 MiB (20971520 bytes)")]
    TooLarge,
    /// A document whose content is none of the accepted types, whatever its name or declared
    /// type says: answered 415 (kind BAD_USER_INPUT).
    #[error("the document's content is not a PDF, PNG, JPEG or plain UTF-8 text file")]
    UnsupportedMediaType,
    /// identity (care-team check), Vault or the database is unreachable: the request is
    /// refused rather than answered on a guess.
    #[error("a dependency is unavailable")]
    Unavailable(#[source] anyhow::Error),
    /// Includes a stored value that does not decrypt for its place (copied from another
    /// row or practice, or altered) and an audit event that could not be written.
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl Error {
    pub const fn invalid(field: &'static str, reason: &'static str) -> Self {
        Self::Invalid { field, reason }
    }
}

impl ServiceError for Error {
    fn kind(&self) -> ErrorKind {
        match self {
            Error::Forbidden | Error::DisclosureNotAuthorized => ErrorKind::Forbidden,
            Error::NotFound => ErrorKind::NotFound,
            Error::Conflict(_) => ErrorKind::Conflict,
            Error::Invalid { .. } | Error::TooLarge | Error::UnsupportedMediaType => ErrorKind::BadUserInput,
            Error::Unavailable(_) => ErrorKind::Unavailable,
            Error::Internal(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Error::Forbidden => "RECORDS_FORBIDDEN",
            Error::DisclosureNotAuthorized => "RECORDS_DISCLOSURE_NOT_AUTHORIZED",
            Error::NotFound => "RECORDS_NOT_FOUND",
            Error::Conflict(_) => "RECORDS_CONFLICT",
            Error::Invalid { .. } => "RECORDS_INVALID_INPUT",
            Error::TooLarge => "RECORDS_DOCUMENT_TOO_LARGE",
            Error::UnsupportedMediaType => "RECORDS_DOCUMENT_TYPE_REFUSED",
            Error::Unavailable(_) => "RECORDS_UNAVAILABLE",
            Error::Internal(_) => "RECORDS_INTERNAL",
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

impl From<tp_crypto::CryptoError> for Error {
    fn from(err: tp_crypto::CryptoError) -> Self {
        match err {
            tp_crypto::CryptoError::Unavailable(_) => Error::Unavailable(err.into()),
            // A shredded practice's data is gone; everything else is ours (or tampering).
            tp_crypto::CryptoError::UnknownTenantKey(_) => Error::NotFound,
            _ => Error::Internal(err.into()),
        }
    }
}

impl From<tp_audit_log::AuditError> for Error {
    fn from(err: tp_audit_log::AuditError) -> Self {
        Error::Internal(err.into())
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        // tp_errors' kinds have no 413/415; the kind stays BAD_USER_INPUT for callers that
        // map kinds, and the status says precisely what was wrong with the upload.
        let status = match self {
            Error::TooLarge => Some(StatusCode::PAYLOAD_TOO_LARGE),
            Error::UnsupportedMediaType => Some(StatusCode::UNSUPPORTED_MEDIA_TYPE),
            _ => None,
        };
        let mut response = tp_errors::into_response(self);
        if let Some(status) = status {
            *response.status_mut() = status;
        }
        response
    }
}
