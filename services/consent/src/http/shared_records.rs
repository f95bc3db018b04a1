//! `POST /v1/shared-records/{tenant}/{request}`: an outside provider's download. No bearer
//! token: the body's link token and one-time code are the credentials
//! (`transfers::shared`). Answers the FHIR Bundle, never cached; a malformed id is 404 like
//! an unknown one.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use tp_consent_api::transfers::SharedRecordsUnlock;
use tp_ids::RequestId;

use super::body::Body;
use super::{tenant_id, uuid};
use crate::error::Error;
use crate::state::AppState;
use crate::transfers::shared;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/v1/shared-records/{tenant}/{request}", post(unlock))
}

async fn unlock(
    State(state): State<AppState>,
    Path((tenant, request)): Path<(String, String)>,
    headers: HeaderMap,
    Body(unlock): Body<SharedRecordsUnlock>,
) -> Result<Response, Error> {
    // Set by the common layers (a caller's own id is kept); only a UUID goes into events.
    let request_id = headers.get("x-request-id").and_then(|v| v.to_str().ok()).and_then(|v| RequestId::parse(v).ok());
    let key = (tenant_id(&tenant)?, uuid(&request)?);
    let bundle = shared::unlock(&state, request_id, key, unlock).await?;
    let body = serde_json::to_string(&bundle).map_err(|e| Error::Internal(e.into()))?;
    Ok(([(CONTENT_TYPE, "application/fhir+json"), (CACHE_CONTROL, "no-store")], body).into_response())
}
