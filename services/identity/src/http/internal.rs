//! The internal API other services call with the caller's token forwarded (no trust between
//! hops): `GET /internal/v1/care-team/check?clinician_id=…&client_id=…` answers whether the
//! clinician is on the client's care team *in the caller's own tenant*.

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use tp_auth::Principal;
use tp_ids::UserId;

use crate::admin::care_teams;
use crate::error::Error;
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/internal/v1/care-team/check", get(check))
}

#[derive(Deserialize)]
struct CheckQuery {
    clinician_id: UserId,
    client_id: UserId,
}

async fn check(
    State(state): State<AppState>,
    principal: Principal,
    Query(query): Query<CheckQuery>,
) -> Result<Json<serde_json::Value>, Error> {
    // Operators have no tenant and never see care relationships.
    let tenant = principal.tenant().map_err(|_| Error::Forbidden)?;
    let assigned = care_teams::check(&state, tenant, query.clinician_id, query.client_id).await?;
    Ok(Json(serde_json::json!({ "assigned": assigned })))
}
