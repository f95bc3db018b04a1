//! `GET /v1/tenants/{t}/clients/{c}/export?format=fhir|html`: the client's record as a FHIR
//! R4 Bundle (`application/fhir+json`) or a self-contained HTML page. The page is served
//! with a Content-Security-Policy that allows inline style and nothing else (no script, no
//! external resource), so even a value that escaped escaping could not run; neither body
//! is cached anywhere (PHI).

use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use tp_ids::{TenantId, UserId};
use tp_records_api::export::ExportFormat;

use super::caller::ApiCaller;
use crate::chart::export;
use crate::error::Error;
use crate::state::AppState;

/// The page may style itself inline; it may load, run or submit nothing.
pub const HTML_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'";

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/v1/tenants/{tenant}/clients/{client}/export", get(export_chart))
}

#[derive(Deserialize)]
struct ExportQuery {
    format: ExportFormat,
}

async fn export_chart(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client)): Path<(String, String)>,
    query: Result<Query<ExportQuery>, QueryRejection>,
) -> Result<Response, Error> {
    let tenant = TenantId::parse(&tenant).map_err(|_| Error::NotFound)?;
    let client = UserId::parse(&client).map_err(|_| Error::NotFound)?;
    // Refused before access is decided: the refusal says nothing about the chart.
    let Query(query) = query.map_err(|_| Error::invalid("format", "fhir or html"))?;
    let export = export::export(&state, &caller.caller(), tenant, client, query.format).await?;
    let headers = [(CONTENT_TYPE, export.format.content_type()), (CACHE_CONTROL, "no-store")];
    Ok(match export.format {
        ExportFormat::Html => ([(CONTENT_SECURITY_POLICY, HTML_CSP)], headers, export.body).into_response(),
        ExportFormat::Fhir => (headers, export.body).into_response(),
    })
}
