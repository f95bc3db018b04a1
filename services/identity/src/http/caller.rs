//! Who is calling the admin and internal APIs: the bearer token verified by `tp_auth`
//! (signature against identity's own JWKS, claims, revocation in Redis), turned into the
//! [`Caller`] the admin rules take (the whole principal: `tp_authz` needs its roles, scopes
//! and tenant).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use tp_auth::{AuthState, Principal, Verifier};

use crate::domain::admin::Caller;
use crate::state::AppState;

impl AuthState for AppState {
    fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    fn redis(&self) -> redis::aio::ConnectionManager {
        self.redis.clone()
    }
}

/// A verified caller of the `/v1` JSON API (admin and own-account endpoints).
pub(crate) struct ApiCaller(pub Caller);

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let principal = Principal::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        Ok(Self(Caller::new(principal)))
    }
}
