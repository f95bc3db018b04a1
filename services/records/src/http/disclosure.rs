//! `POST /internal/v1/tenants/{t}/clients/{c}/disclosure-packages`: a sealed package of the
//! client's record for a disclosure they approved (`PackageRequest` -> 200 `Package`).
//! Internal: consent's transfer workflow and the gateway call it with the client's own
//! token. A body that is not a JSON object with the request's fields is refused, naming the
//! field, before access is decided; the rules of its values after.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::Value;
use tp_records_api::disclosure::Package;

use super::caller::ApiCaller;
use super::ids;
use crate::chart::disclosure;
use crate::domain::disclosure::parse;
use crate::error::Error;
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/internal/v1/tenants/{tenant}/clients/{client}/disclosure-packages", post(package))
}

async fn package(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client)): Path<(String, String)>,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<Json<Package>, Error> {
    let (tenant, client) = ids(&tenant, &client)?;
    let Json(body) = body.map_err(|_| Error::invalid("body", "must be a JSON object"))?;
    let request = parse(body)?;
    Ok(Json(disclosure::package(&state, &caller.caller(), tenant, client, request).await?))
}
