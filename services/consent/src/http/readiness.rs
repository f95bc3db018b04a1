//! `/internal/v1/tenants/{t}/clients/{c}/consent-readiness`: the answer scheduling and the
//! telehealth room ask for, with the caller's own token (no service token, ADR 0005).

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use tp_consent_api::documents::Readiness;

use super::caller::ApiCaller;
use super::ids;
use crate::documents::readiness;
use crate::error::Error;
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/internal/v1/tenants/{tenant}/clients/{client}/consent-readiness", get(read))
}

async fn read(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client)): Path<(String, String)>,
) -> Result<Json<Readiness>, Error> {
    Ok(Json(readiness::read(&state, &caller.caller(), ids(&tenant, &client)?).await?))
}
