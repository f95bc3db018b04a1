//! `/v1/tenants/{t}/records-requests…` (the requester's side) and
//! `/v1/tenants/{t}/clients/{c}/records-requests…` (the client's): records transfers between
//! practices; `/v1/tenants/{t}/clients/{c}/outside-records-requests` and
//! `/v1/tenants/{t}/outside-records-requests` (a practice member records an outside
//! provider's request, and lists them). Handlers parse ids and bodies, call one operation
//! and answer. A download is the FHIR Bundle itself, never cached.

use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use tp_consent_api::transfers::{
    OutsideRequest, OutsideRequestInput, OutsideRequestList, RecordsRequest, RecordsRequestInput, RecordsRequestList,
    RecordsResponse, SentRequest, SentRequestList,
};
use tp_records_api::disclosure::Package;

use super::body::Body;
use super::caller::ApiCaller;
use super::{ids, tenant_id, uuid};
use crate::error::Error;
use crate::state::AppState;
use crate::transfers::{answer, outside, request};

/// A package carries up to 5 MiB of documents inline, base64 in JSON: room for that.
const PACKAGE_BODY_LIMIT: usize = 16 * 1024 * 1024;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/tenants/{tenant}/records-requests", get(sent).post(send))
        .route("/v1/tenants/{tenant}/records-requests/{id}/download", post(download))
        .route("/v1/tenants/{tenant}/clients/{client}/records-requests", get(about_client))
        .route("/v1/tenants/{tenant}/clients/{client}/records-requests/{id}/response", post(respond))
        .route(
            "/v1/tenants/{tenant}/clients/{client}/records-requests/{id}/package",
            put(hand_over).layer(DefaultBodyLimit::max(PACKAGE_BODY_LIMIT)),
        )
        .route("/v1/tenants/{tenant}/clients/{client}/outside-records-requests", post(record_outside))
        .route("/v1/tenants/{tenant}/outside-records-requests", get(recorded))
}

async fn record_outside(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client)): Path<(String, String)>,
    Body(input): Body<OutsideRequestInput>,
) -> Result<(StatusCode, Json<OutsideRequest>), Error> {
    let recorded = outside::create(&state, &caller.caller(), ids(&tenant, &client)?, input).await?;
    Ok((StatusCode::CREATED, Json(recorded)))
}

async fn recorded(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(tenant): Path<String>,
) -> Result<Json<OutsideRequestList>, Error> {
    Ok(Json(outside::list(&state, &caller.caller(), tenant_id(&tenant)?).await?))
}

async fn send(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(tenant): Path<String>,
    Body(input): Body<RecordsRequestInput>,
) -> Result<(StatusCode, Json<SentRequest>), Error> {
    let sent = request::create(&state, &caller.caller(), tenant_id(&tenant)?, input).await?;
    Ok((StatusCode::CREATED, Json(sent)))
}

async fn sent(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(tenant): Path<String>,
) -> Result<Json<SentRequestList>, Error> {
    Ok(Json(request::list(&state, &caller.caller(), tenant_id(&tenant)?).await?))
}

async fn download(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, id)): Path<(String, String)>,
) -> Result<Response, Error> {
    let bundle = request::download(&state, &caller.caller(), tenant_id(&tenant)?, uuid(&id)?).await?;
    let body = serde_json::to_string(&bundle).map_err(|e| Error::Internal(e.into()))?;
    Ok(([(CONTENT_TYPE, "application/fhir+json"), (CACHE_CONTROL, "no-store")], body).into_response())
}

async fn about_client(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client)): Path<(String, String)>,
) -> Result<Json<RecordsRequestList>, Error> {
    Ok(Json(answer::list(&state, &caller.caller(), ids(&tenant, &client)?).await?))
}

async fn respond(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client, id)): Path<(String, String, String)>,
    Body(input): Body<RecordsResponse>,
) -> Result<Json<RecordsRequest>, Error> {
    let (ids, id) = (ids(&tenant, &client)?, uuid(&id)?);
    Ok(Json(answer::respond(&state, &caller.caller(), ids, id, input).await?))
}

async fn hand_over(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client, id)): Path<(String, String, String)>,
    Body(package): Body<Package>,
) -> Result<Json<RecordsRequest>, Error> {
    let (ids, id) = (ids(&tenant, &client)?, uuid(&id)?);
    Ok(Json(answer::package(&state, &caller.caller(), ids, id, package).await?))
}
