//! `POST /v1/tenants/{t}/clients/{c}/break-glass` (open a chart in an emergency) and
//! `GET /v1/tenants/{t}/break-glass[?active=true]` (the admins' review).

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use tp_ids::TenantId;
use tp_records_api::break_glass::{BreakGlassGrant, BreakGlassInput, BreakGlassList};

use super::caller::ApiCaller;
use super::ids;
use crate::chart::break_glass;
use crate::error::Error;
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/tenants/{tenant}/clients/{client}/break-glass", post(open))
        .route("/v1/tenants/{tenant}/break-glass", get(review))
}

async fn open(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client)): Path<(String, String)>,
    body: Result<Json<BreakGlassInput>, JsonRejection>,
) -> Result<(StatusCode, Json<BreakGlassGrant>), Error> {
    let input = body.map(|Json(input)| input).map_err(|_| Error::invalid("body", "not a break-glass request"))?;
    let grant = break_glass::open(&state, &caller.caller(), ids(&tenant, &client)?, input).await?;
    Ok((StatusCode::CREATED, Json(grant)))
}

#[derive(Deserialize)]
struct ReviewQuery {
    #[serde(default)]
    active: bool,
}

async fn review(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(tenant): Path<String>,
    query: Result<Query<ReviewQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<BreakGlassList>, Error> {
    let tenant = TenantId::parse(&tenant).map_err(|_| Error::NotFound)?;
    let Query(query) = query.map_err(|_| Error::invalid("active", "true or false"))?;
    Ok(Json(break_glass::review(&state, &caller.caller(), tenant, query.active).await?))
}
