//! `POST /v1/tenants/{tenant}/audit/verify` (a practice's chain) and `POST /v1/audit/verify`
//! (the platform chain): the verification report as JSON. POST because it is an expensive
//! computation, never cached, not a read of a stored resource.

use axum::extract::{Path, State};
use axum::routing::post;
use axum::{Json, Router};
use tp_auth::Principal;
use tp_ids::TenantId;

use crate::domain::chain::Chain;
use crate::domain::verify::Report;
use crate::error::Error;
use crate::state::AppState;
use crate::verification;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/tenants/{tenant}/audit/verify", post(verify_tenant))
        .route("/v1/audit/verify", post(verify_platform))
}

async fn verify_tenant(
    State(state): State<AppState>,
    caller: Principal,
    Path(tenant): Path<String>,
) -> Result<Json<Report>, Error> {
    let tenant = TenantId::parse(&tenant).map_err(|_| Error::Invalid { field: "tenant" })?;
    verification::verify(&state, &caller, Chain::Tenant(tenant)).await.map(Json)
}

async fn verify_platform(State(state): State<AppState>, caller: Principal) -> Result<Json<Report>, Error> {
    verification::verify(&state, &caller, Chain::Platform).await.map(Json)
}
