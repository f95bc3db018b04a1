//! `GET /v1/tenants/{tenant}/audit/events` (a practice admin's search of the practice's log)
//! and `GET /v1/tenants/{tenant}/audit/record-access` (a client's "who accessed my record"),
//! both answering a `tp_audit_api::events::EventPage`. The query string is parsed here into
//! `domain::search` types; a malformed one is a 400 naming the parameter.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::routing::get;
use axum::{Json, Router};
use tp_audit_api::events::EventPage;
use tp_auth::Principal;
use tp_ids::{RequestId, TenantId};

use crate::domain::search::{Filter, Page, RawQuery};
use crate::error::Error;
use crate::search;
use crate::state::AppState;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/tenants/{tenant}/audit/events", get(events))
        .route("/v1/tenants/{tenant}/audit/record-access", get(record_access))
}

async fn events(
    State(state): State<AppState>,
    caller: Principal,
    headers: HeaderMap,
    Path(tenant): Path<String>,
    query: Result<Query<RawQuery>, QueryRejection>,
) -> Result<Json<EventPage>, Error> {
    let tenant = TenantId::parse(&tenant).map_err(|_| Error::Invalid { field: "tenant" })?;
    let Query(raw) = query.map_err(|_| Error::Invalid { field: "query" })?;
    let (filter, page) = (Filter::parse(&raw)?, Page::parse(&raw)?);
    search::events(&state, &caller, request_id(&headers), tenant, &filter, page).await.map(Json)
}

async fn record_access(
    State(state): State<AppState>,
    caller: Principal,
    Path(tenant): Path<String>,
    query: Result<Query<RawQuery>, QueryRejection>,
) -> Result<Json<EventPage>, Error> {
    let tenant = TenantId::parse(&tenant).map_err(|_| Error::Invalid { field: "tenant" })?;
    let Query(raw) = query.map_err(|_| Error::Invalid { field: "query" })?;
    search::record_access(&state, &caller, tenant, Page::parse(&raw)?).await.map(Json)
}

/// Set by the common layers (a caller's own id is kept); only a UUID goes into an event.
fn request_id(headers: &HeaderMap) -> Option<RequestId> {
    headers.get("x-request-id").and_then(|value| value.to_str().ok()).and_then(|value| RequestId::parse(value).ok())
}
