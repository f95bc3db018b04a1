//! [`ApiCaller`]: the verified principal of a request (`tp_auth::Bearer`: signature against
//! identity's JWKS, claims, revocation in Redis), with its token, which scheduling forwards when
//! it asks identity or consent about the caller, and the request id for audit events.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use tp_auth::{AuthError, AuthState, Bearer, Verifier};

use crate::audit::Caller;
use crate::state::AppState;

impl AuthState for AppState {
    fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    fn redis(&self) -> redis::aio::ConnectionManager {
        self.redis.clone()
    }
}

pub(crate) struct ApiCaller(Bearer);

impl ApiCaller {
    pub(crate) fn caller(&self) -> Caller<'_> {
        Caller { principal: &self.0.principal, request_id: self.0.request_id, token: &self.0.token }
    }
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Bearer::from_request_parts(parts, state).await.map(Self)
    }
}
