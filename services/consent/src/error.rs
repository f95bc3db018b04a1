//! consent's error: what a caller of its JSON API acts on, with a stable `CONSENT_*` code.
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
    /// The request does not fit the current state: a document that changed since it was
    /// shown, a consent withdrawn twice, two template versions saved at once.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// An outside provider's link whose download lapsed or happened already (410).
    #[error("this link has expired or was used already")]
    LinkGone,
    /// An outside provider's link locked by five wrong codes (423), even for the right one.
    #[error("this link is locked after too many wrong codes: ask the practice to record a new request")]
    LinkLocked,
    /// A wrong one-time code on an outside provider's link (403).
    #[error("wrong code: {attempts_left} attempts left")]
    WrongCode { attempts_left: u32 },
    /// Names the rule broken, never the value that broke it.
    #[error("invalid {field}: {reason}")]
    Invalid { field: &'static str, reason: &'static str },
    /// Vault or the database is unreachable: refused rather than answered on a guess.
    #[error("a dependency is unavailable")]
    Unavailable(#[source] anyhow::Error),
    /// Includes a stored document that does not decrypt for its place (copied from another
    /// row, client or practice, or altered) and an audit event that could not be written.
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
            Error::Forbidden => ErrorKind::Forbidden,
            Error::NotFound => ErrorKind::NotFound,
            Error::Conflict(_) | Error::LinkGone => ErrorKind::Conflict,
            Error::LinkLocked | Error::WrongCode { .. } => ErrorKind::Forbidden,
            Error::Invalid { .. } => ErrorKind::BadUserInput,
            Error::Unavailable(_) => ErrorKind::Unavailable,
            Error::Internal(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Error::Forbidden => "CONSENT_FORBIDDEN",
            Error::NotFound => "CONSENT_NOT_FOUND",
            Error::Conflict(_) => "CONSENT_CONFLICT",
            Error::LinkGone => "CONSENT_LINK_GONE",
            Error::LinkLocked => "CONSENT_LINK_LOCKED",
            Error::WrongCode { .. } => "CONSENT_WRONG_CODE",
            Error::Invalid { .. } => "CONSENT_INVALID_INPUT",
            Error::Unavailable(_) => "CONSENT_UNAVAILABLE",
            Error::Internal(_) => "CONSENT_INTERNAL",
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

impl From<tp_crypto::CryptoError> for Error {
    fn from(err: tp_crypto::CryptoError) -> Self {
        match err {
            tp_crypto::CryptoError::Unavailable(_) => Error::Unavailable(err.into()),
            // A shredded practice's documents are gone; everything else is ours (or tampering).
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
    /// The kind's status, except for a link's states, which say more than their kind: 410
    /// (gone) and 423 (locked).
    fn into_response(self) -> Response {
        let status = match self {
            Error::LinkGone => Some(StatusCode::GONE),
            Error::LinkLocked => Some(StatusCode::LOCKED),
            _ => None,
        };
        let mut response = tp_errors::into_response(self);
        if let Some(status) = status {
            *response.status_mut() = status;
        }
        response
    }
}

impl From<crate::domain::Refusal> for Error {
    fn from(refusal: crate::domain::Refusal) -> Self {
        Error::invalid(refusal.field, refusal.reason)
    }
}
