//! `/v1/tenants/{t}/clients/{c}/amendment-requests…`: the client's requests to amend their
//! chart (list, request) and their review. Handlers parse ids and body, call one operation
//! and return its answer as JSON.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use tp_records_api::amendments::{AmendmentRequest, AmendmentRequestInput, AmendmentRequestList, AmendmentReview};

use super::caller::ApiCaller;
use super::clinical::{body, ids, item_ids};
use crate::chart::amendments;
use crate::error::Error;
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/tenants/{tenant}/clients/{client}/amendment-requests", get(list).post(request))
        .route("/v1/tenants/{tenant}/clients/{client}/amendment-requests/{id}/review", post(review))
}

async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client)): Path<(String, String)>,
) -> Result<Json<AmendmentRequestList>, Error> {
    let (tenant, client) = ids(&tenant, &client)?;
    Ok(Json(amendments::list(&state, &caller.caller(), tenant, client).await?))
}

async fn request(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client)): Path<(String, String)>,
    input: Result<Json<AmendmentRequestInput>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<AmendmentRequest>), Error> {
    let (tenant, client) = ids(&tenant, &client)?;
    let input = body(input)?;
    Ok((StatusCode::CREATED, Json(amendments::request(&state, &caller.caller(), tenant, client, input).await?)))
}

async fn review(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client, id)): Path<(String, String, String)>,
    input: Result<Json<AmendmentReview>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<AmendmentRequest>, Error> {
    let key = item_ids(&tenant, &client, &id)?;
    Ok(Json(amendments::review(&state, &caller.caller(), key, body(input)?).await?))
}
