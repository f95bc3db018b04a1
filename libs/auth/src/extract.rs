//! axum integration: the [`Principal`], [`Bearer`] and [`MaybePrincipal`] extractors, and the HTTP
//! response of an [`AuthError`].
//!
//! A service's state implements [`AuthState`] (its `Verifier` and Redis handle); handlers
//! then take `principal: Principal` as an argument. The principal is cached in the request
//! extensions, so a layer that authenticated first (or a second extractor) does not verify
//! twice; a layer that wants to authenticate every route can call
//! [`Verifier::authenticate`] itself and insert the `Principal` there.
//!
//! Responses follow RFC 6750 §3: 401 with `WWW-Authenticate: Bearer` when no token was sent,
//! `Bearer error="invalid_token"` when it was refused, 403 with
//! `error="insufficient_scope"` when it lacks a role, scope or tenant, and 503 when the keys
//! or the revocation list cannot be read.

use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use redis::aio::ConnectionManager;
use tp_ids::RequestId;

use crate::error::AuthError;
use crate::principal::Principal;
use crate::verifier::Verifier;

/// What the extractors need from a service's state.
pub trait AuthState: Send + Sync {
    fn verifier(&self) -> &Verifier;
    /// A handle on the Redis that holds the revocation list (cloning is cheap).
    fn redis(&self) -> ConnectionManager;
}

/// The bearer token of `Authorization: Bearer <token>` (scheme case-insensitive).
pub fn bearer_token(headers: &HeaderMap) -> Result<&str, AuthError> {
    let value = headers.get(AUTHORIZATION).ok_or(AuthError::MissingToken)?;
    let value = value.to_str().map_err(|_| AuthError::MissingToken)?;
    let (scheme, token) = value.split_once(' ').ok_or(AuthError::MissingToken)?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Err(AuthError::MissingToken);
    }
    Ok(token)
}

impl<S: AuthState> FromRequestParts<S> for Principal {
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if let Some(principal) = parts.extensions.get::<Principal>() {
            return Ok(principal.clone());
        }
        let token = bearer_token(&parts.headers)?;
        let principal = state.verifier().authenticate(token, &mut state.redis()).await?;
        parts.extensions.insert(principal.clone());
        Ok(principal)
    }
}

/// A verified principal with the bearer token it came with, for a service that asks other
/// services on the caller's behalf with their own token (never logged), and the request id
/// the common layers set, for audit events (only a UUID is kept).
#[derive(Debug, Clone)]
pub struct Bearer {
    pub principal: Principal,
    pub token: String,
    pub request_id: Option<RequestId>,
}

impl<S: AuthState> FromRequestParts<S> for Bearer {
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let principal = Principal::from_request_parts(parts, state).await?;
        let token = bearer_token(&parts.headers)?.to_owned();
        let request_id = parts
            .headers
            .get("x-request-id")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| RequestId::parse(value).ok());
        Ok(Self { principal, token, request_id })
    }
}

/// A principal if the request carries a bearer token. A token that is sent but refused is
/// still rejected (401), never downgraded to anonymous: that would turn an expired or
/// revoked session into a silent sign-out on endpoints that behave differently for guests.
#[derive(Debug, Clone)]
pub struct MaybePrincipal(pub Option<Principal>);

impl<S: AuthState> FromRequestParts<S> for MaybePrincipal {
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if parts.extensions.get::<Principal>().is_none() && !parts.headers.contains_key(AUTHORIZATION) {
            return Ok(Self(None));
        }
        Principal::from_request_parts(parts, state).await.map(|principal| Self(Some(principal)))
    }
}

impl IntoResponse for AuthError {
    fn into_response(self) -> Response {
        let challenge = match &self {
            AuthError::MissingToken => Some("Bearer"),
            AuthError::InvalidToken(_) | AuthError::Expired | AuthError::Revoked => {
                Some(r#"Bearer error="invalid_token""#)
            }
            AuthError::NoTenant | AuthError::Forbidden => Some(r#"Bearer error="insufficient_scope""#),
            AuthError::Unavailable(_) => None,
        };
        if let AuthError::InvalidToken(reason) = &self {
            // The reason helps operators; the client sees only "invalid access token".
            tracing::info!(%reason, "access token refused");
        }
        let mut response = tp_errors::into_response(self);
        if let Some(challenge) = challenge {
            response.headers_mut().insert(WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_token_needs_the_bearer_scheme_and_a_token() {
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(AUTHORIZATION, HeaderValue::from_str(value).unwrap());
            bearer_token(&headers).map(str::to_owned).ok()
        };
        assert_eq!(with("Bearer abc.def.ghi").as_deref(), Some("abc.def.ghi"));
        assert_eq!(with("bearer abc").as_deref(), Some("abc"));
        assert_eq!(with("Basic dXNlcjpwYXNz"), None);
        assert_eq!(with("Bearer "), None);
        assert_eq!(with("Bearer"), None);
        assert!(matches!(bearer_token(&HeaderMap::new()), Err(AuthError::MissingToken)));
    }
}
