//! `/v1/tenants/{t}/clients…`: the chart (`GET`), its demographics (`PUT`) and the name
//! search (`GET ?name=`). Handlers parse ids (a malformed one is NOT_FOUND, like an unknown
//! one), call one chart operation and return its answer as JSON.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use tp_ids::TenantId;
use tp_records_api::chart::{Chart, Demographics, SearchResults};

use super::caller::ApiCaller;
use super::ids;
use crate::chart::{demographics, search};
use crate::error::Error;
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/tenants/{tenant}/clients", get(search_clients))
        .route("/v1/tenants/{tenant}/clients/{client}", get(get_chart))
        .route("/v1/tenants/{tenant}/clients/{client}/demographics", axum::routing::put(put_demographics))
}

async fn get_chart(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client)): Path<(String, String)>,
) -> Result<Json<Chart>, Error> {
    let (tenant, client) = ids(&tenant, &client)?;
    Ok(Json(demographics::read(&state, &caller.caller(), tenant, client).await?))
}

async fn put_demographics(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client)): Path<(String, String)>,
    body: Result<Json<Demographics>, JsonRejection>,
) -> Result<Json<Chart>, Error> {
    let (tenant, client) = ids(&tenant, &client)?;
    // A body that is not demographics JSON at all is refused before access is decided: the
    // refusal says nothing about the chart. The values are validated after access.
    let Json(input) = body.map_err(|_| Error::invalid("body", "not a demographics document"))?;
    Ok(Json(demographics::update(&state, &caller.caller(), tenant, client, input).await?))
}

#[derive(Deserialize)]
struct SearchQuery {
    name: Option<String>,
}

async fn search_clients(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(tenant): Path<String>,
    Query(query): Query<SearchQuery>,
) -> Result<Json<SearchResults>, Error> {
    let tenant = TenantId::parse(&tenant).map_err(|_| Error::NotFound)?;
    Ok(Json(search::search(&state, &caller.caller(), tenant, query.name.as_deref()).await?))
}
