//! scheduling's error: what a caller of its JSON API acts on, with a stable `SCHEDULING_*`
//! code. Every `Display` is safe to show a client (no PHI, no SQL): the one dynamic message,
//! [`Error::ConsentRequired`], lists template titles, which are the practice's own words
//! about its paperwork. Causes stay in `#[source]` for the logs.

use axum::response::{IntoResponse, Response};
use tp_errors::{ErrorKind, ServiceError};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not allowed")]
    Forbidden,
    /// Also the answer for another practice's ids and appointments the caller does not reach.
    #[error("not found")]
    NotFound,
    /// The client has not signed every document the practice requires (409).
    #[error("the client must sign these documents before an appointment can be booked: {}", .0.join("; "))]
    ConsentRequired(Vec<String>),
    /// The clinician or the client already has an appointment overlapping this one (409).
    #[error("the clinician or the client already has an appointment at that time")]
    SlotTaken,
    /// Recording without the client's recording consent (409).
    #[error("the client has not consented to session recording")]
    RecordingNotConsented,
    /// The request does not fit the appointment's state (cancelled, ended, in person).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// Names the rule broken, never the value that broke it.
    #[error("invalid {field}: {reason}")]
    Invalid { field: &'static str, reason: &'static str },
    /// The database, identity or consent is unreachable: refused rather than answered on a
    /// guess (never booked without the readiness answer).
    #[error("a dependency is unavailable")]
    Unavailable(#[source] anyhow::Error),
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
            Error::ConsentRequired(_) | Error::SlotTaken | Error::RecordingNotConsented | Error::Conflict(_) => {
                ErrorKind::Conflict
            }
            Error::Invalid { .. } => ErrorKind::BadUserInput,
            Error::Unavailable(_) => ErrorKind::Unavailable,
            Error::Internal(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Error::Forbidden => "SCHEDULING_FORBIDDEN",
            Error::NotFound => "SCHEDULING_NOT_FOUND",
            Error::ConsentRequired(_) => "SCHEDULING_CONSENT_REQUIRED",
            Error::SlotTaken => "SCHEDULING_SLOT_TAKEN",
            Error::RecordingNotConsented => "SCHEDULING_RECORDING_NOT_CONSENTED",
            Error::Conflict(_) => "SCHEDULING_CONFLICT",
            Error::Invalid { .. } => "SCHEDULING_INVALID_INPUT",
            Error::Unavailable(_) => "SCHEDULING_UNAVAILABLE",
            Error::Internal(_) => "SCHEDULING_INTERNAL",
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

impl From<tp_audit_log::AuditError> for Error {
    fn from(err: tp_audit_log::AuditError) -> Self {
        Error::Internal(err.into())
    }
}

impl From<crate::domain::Refusal> for Error {
    fn from(refusal: crate::domain::Refusal) -> Self {
        Error::invalid(refusal.field, refusal.reason)
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        tp_errors::into_response(self)
    }
}
