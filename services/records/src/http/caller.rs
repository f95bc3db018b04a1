//! [`ApiCaller`]: the verified principal of a request (`tp_auth`: signature against
//! identity's JWKS, claims, revocation in Redis), with the token itself, which records
//! forwards to identity's care-team check, the request id for audit events, and the
//! practice's care-team stamp, read in the revocation check's Redis round trip so that a
//! kept care-team answer costs no round trip of its own (`care_team`).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use tp_auth::{AuthState, Principal, Verifier, bearer_token};
use tp_identity_api::internal::care_team_stamp_key;
use tp_ids::{RequestId, TenantId};

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
    token: String,
    request_id: Option<RequestId>,
    care_team_stamp: Option<(TenantId, Option<String>)>,
}

impl ApiCaller {
    pub(crate) fn caller(&self) -> Caller<'_> {
        Caller {
            principal: &self.principal,
            token: &self.token,
            request_id: self.request_id,
            care_team_stamp: self.care_team_stamp.as_ref().map(|(tenant, stamp)| (*tenant, stamp.as_deref())),
        }
    }
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer_token(&parts.headers).map_err(IntoResponse::into_response)?.to_owned();
        let stamp_key = |principal: &Principal| principal.tenant_opt().map(care_team_stamp_key);
        let (principal, stamp) = state
            .verifier
            .authenticate_and_get(&token, &mut state.redis.clone(), stamp_key)
            .await
            .map_err(IntoResponse::into_response)?;
        let care_team_stamp = principal.tenant_opt().map(|tenant| (tenant, stamp));
        // Set by the common layers (a caller's own id is kept); only a UUID goes into events.
        let request_id = parts
            .headers
            .get("x-request-id")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| RequestId::parse(value).ok());
        Ok(Self { principal, token, request_id, care_team_stamp })
    }
}
