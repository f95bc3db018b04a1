//! [`OAuthError`]: the RFC 6749 section 5.2 error of the token and revocation endpoints,
//! `{error, error_description}`. Descriptions are fixed strings: they never echo a
//! parameter, a token or a database message. Server-side causes are kept for the log line
//! written when the response is built (`http::oauth_error`).

use crate::error::Error;

/// The `error` codes identity answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OAuthErrorKind {
    InvalidRequest,
    /// 401 with `WWW-Authenticate`: the client failed to authenticate.
    InvalidClient,
    InvalidGrant,
    UnauthorizedClient,
    UnsupportedGrantType,
    InvalidScope,
    ServerError,
    TemporarilyUnavailable,
}

impl OAuthErrorKind {
    pub const fn code(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidClient => "invalid_client",
            Self::InvalidGrant => "invalid_grant",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::InvalidScope => "invalid_scope",
            Self::ServerError => "server_error",
            Self::TemporarilyUnavailable => "temporarily_unavailable",
        }
    }
}

#[derive(Debug)]
pub struct OAuthError {
    pub kind: OAuthErrorKind,
    pub description: &'static str,
    /// Why a server-side failure happened, for the log only.
    pub cause: Option<Error>,
}

impl OAuthError {
    const fn new(kind: OAuthErrorKind, description: &'static str) -> Self {
        Self { kind, description, cause: None }
    }
    pub const fn invalid_request(description: &'static str) -> Self {
        Self::new(OAuthErrorKind::InvalidRequest, description)
    }
    pub const fn invalid_client(description: &'static str) -> Self {
        Self::new(OAuthErrorKind::InvalidClient, description)
    }
    pub const fn invalid_grant(description: &'static str) -> Self {
        Self::new(OAuthErrorKind::InvalidGrant, description)
    }
    pub const fn unauthorized_client(description: &'static str) -> Self {
        Self::new(OAuthErrorKind::UnauthorizedClient, description)
    }
    pub const fn unsupported_grant_type() -> Self {
        Self::new(OAuthErrorKind::UnsupportedGrantType, "grant_type is not supported")
    }
    pub const fn invalid_scope(description: &'static str) -> Self {
        Self::new(OAuthErrorKind::InvalidScope, description)
    }
}

impl From<Error> for OAuthError {
    fn from(err: Error) -> Self {
        let kind = match err {
            Error::Unavailable(_) => OAuthErrorKind::TemporarilyUnavailable,
            _ => OAuthErrorKind::ServerError,
        };
        Self { kind, description: "the server could not complete the request", cause: Some(err) }
    }
}

impl From<sea_orm::DbErr> for OAuthError {
    fn from(err: sea_orm::DbErr) -> Self {
        Error::from(err).into()
    }
}

impl From<tp_db::DbError> for OAuthError {
    fn from(err: tp_db::DbError) -> Self {
        Error::from(err).into()
    }
}

impl From<redis::RedisError> for OAuthError {
    fn from(err: redis::RedisError) -> Self {
        Error::Unavailable(anyhow::Error::new(err).context("redis")).into()
    }
}
