//! [`ApiCaller`]: the verified principal of a request (`tp_auth`: signature against
//! identity's JWKS, claims, revocation in Redis) and the request id for audit events.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use tp_auth::{AuthState, Principal, Verifier, bearer_token};
use tp_ids::RequestId;

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

pub(crate) struct ApiCaller {
    principal: Principal,
    /// The bearer token as received: forwarded to identity and consent, which answer about
    /// this caller under their own rules; never logged.
    token: String,
    request_id: Option<RequestId>,
}

impl ApiCaller {
    pub(crate) fn caller(&self) -> Caller<'_> {
        Caller { principal: &self.principal, request_id: self.request_id, token: &self.token }
    }
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer_token(&parts.headers).map_err(IntoResponse::into_response)?;
        let principal =
            state.verifier.authenticate(token, &mut state.redis.clone()).await.map_err(IntoResponse::into_response)?;
        // Set by the common layers (a caller's own id is kept); only a UUID goes into events.
        let request_id = parts
            .headers
            .get("x-request-id")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| RequestId::parse(value).ok());
        Ok(Self { principal, request_id, token: token.to_owned() })
    }
}
