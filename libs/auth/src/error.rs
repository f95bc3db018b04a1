//! [`AuthError`]: why a request's credentials were refused, with stable `AUTH_*` codes.
//!
//! Messages are fixed strings: they never echo the token or any claim from it. The precise
//! reason a token was refused ([`InvalidToken`]) is kept as the error's source, for logs and
//! tests only; a client learns no more than "invalid access token" (an attacker probing
//! algorithms or key ids gets nothing back to work with).

use tp_errors::{ErrorKind, ServiceError};

/// Credentials refused, or not checkable right now.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("missing bearer token")]
    MissingToken,
    #[error("invalid access token")]
    InvalidToken(#[source] InvalidToken),
    #[error("access token expired")]
    Expired,
    #[error("access token revoked")]
    Revoked,
    /// The JWKS or the revocation list could not be read: the token is refused (fail closed).
    #[error("authentication is unavailable")]
    Unavailable(#[source] Unavailable),
    /// A platform operator's token reached an endpoint that needs a tenant.
    #[error("this operation needs a tenant")]
    NoTenant,
    /// Authenticated, but lacking the role or scope the operation needs.
    #[error("not allowed")]
    Forbidden,
}

/// The precise reason a token is invalid. Never shown to clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvalidToken {
    #[error("not a JWS compact serialisation")]
    Malformed,
    #[error("algorithm not allowed")]
    AlgorithmNotAllowed,
    #[error("wrong token type")]
    WrongType,
    #[error("unsupported critical header")]
    CriticalHeader,
    #[error("no key id")]
    MissingKeyId,
    #[error("unknown key id")]
    UnknownKey,
    #[error("bad signature")]
    BadSignature,
    #[error("claims do not match the contract")]
    BadClaims,
    #[error("wrong issuer")]
    WrongIssuer,
    #[error("wrong audience")]
    WrongAudience,
    #[error("issued in the future")]
    IssuedInFuture,
    #[error("tenant claim missing or not allowed for these roles")]
    TenantMismatch,
    #[error("subject does not match the actor")]
    SubjectMismatch,
}

/// A dependency of verification failed.
#[derive(Debug, thiserror::Error)]
pub enum Unavailable {
    #[error("cannot fetch the JWKS")]
    Jwks(#[source] JwksError),
    #[error("cannot read the revocation list")]
    Redis(#[source] redis::RedisError),
}

/// Fetching or reading identity's JWKS failed.
#[derive(Debug, thiserror::Error)]
pub enum JwksError {
    #[error("JWKS request failed")]
    Http(#[source] reqwest::Error),
    #[error("JWKS endpoint answered {0}")]
    Status(u16),
    #[error("JWKS document too large")]
    TooLarge,
    #[error("JWKS document is not a JWK Set")]
    Parse(#[source] serde_json::Error),
    #[error("the last JWKS fetch failed moments ago")]
    RecentlyFailed,
}

impl AuthError {
    pub(crate) const fn invalid(reason: InvalidToken) -> Self {
        Self::InvalidToken(reason)
    }

    /// The refusal reason of an invalid token (for tests and logs).
    pub const fn invalid_reason(&self) -> Option<InvalidToken> {
        match self {
            Self::InvalidToken(reason) => Some(*reason),
            _ => None,
        }
    }
}

impl ServiceError for AuthError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::MissingToken | Self::InvalidToken(_) | Self::Expired | Self::Revoked => ErrorKind::Unauthenticated,
            Self::Unavailable(_) => ErrorKind::Unavailable,
            Self::NoTenant | Self::Forbidden => ErrorKind::Forbidden,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::MissingToken => "AUTH_TOKEN_MISSING",
            Self::InvalidToken(_) => "AUTH_TOKEN_INVALID",
            Self::Expired => "AUTH_TOKEN_EXPIRED",
            Self::Revoked => "AUTH_TOKEN_REVOKED",
            Self::Unavailable(_) => "AUTH_UNAVAILABLE",
            Self::NoTenant => "AUTH_NO_TENANT",
            Self::Forbidden => "AUTH_FORBIDDEN",
        }
    }
}
