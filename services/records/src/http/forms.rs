//! Forms: `/v1/tenants/{t}/form-templates…` (the practice's templates) and
//! `/v1/tenants/{t}/clients/{c}/form-responses` and `…/assessments/{instrument}` (a client's
//! responses and score history). Handlers parse ids and bodies, call one forms operation and
//! return its answer as JSON.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use tp_ids::{TenantId, UserId};
use tp_records_api::forms::{
    AssessmentHistory, FormResponse, FormResponseList, FormTemplate, FormTemplateList, Instrument, ResponseInput,
    TemplateInput,
};
use uuid::Uuid;

use super::caller::ApiCaller;
use crate::chart::forms;
use crate::error::Error;
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/tenants/{tenant}/form-templates", get(templates).post(create_template))
        .route("/v1/tenants/{tenant}/form-templates/{template}/versions", post(new_version))
        .route("/v1/tenants/{tenant}/clients/{client}/form-responses", get(responses).post(submit))
        .route("/v1/tenants/{tenant}/clients/{client}/assessments/{instrument}", get(history))
}

fn tenant_id(tenant: &str) -> Result<TenantId, Error> {
    TenantId::parse(tenant).map_err(|_| Error::NotFound)
}

fn ids(tenant: &str, client: &str) -> Result<(TenantId, UserId), Error> {
    Ok((tenant_id(tenant)?, UserId::parse(client).map_err(|_| Error::NotFound)?))
}

/// A body that is not the expected shape is refused before access is decided; the message
/// never quotes it.
fn body<T>(body: Result<Json<T>, JsonRejection>, what: &'static str) -> Result<T, Error> {
    body.map(|Json(input)| input).map_err(|_| Error::invalid("body", what))
}

async fn templates(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(tenant): Path<String>,
) -> Result<Json<FormTemplateList>, Error> {
    Ok(Json(forms::templates(&state, &caller.caller(), tenant_id(&tenant)?).await?))
}

async fn create_template(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(tenant): Path<String>,
    input: Result<Json<TemplateInput>, JsonRejection>,
) -> Result<(StatusCode, Json<FormTemplate>), Error> {
    let input = body(input, "not a form template (title and schema)")?;
    let template = forms::save_template(&state, &caller.caller(), tenant_id(&tenant)?, None, input).await?;
    Ok((StatusCode::CREATED, Json(template)))
}

async fn new_version(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, template)): Path<(String, String)>,
    input: Result<Json<TemplateInput>, JsonRejection>,
) -> Result<(StatusCode, Json<FormTemplate>), Error> {
    let template = Uuid::parse_str(&template).map_err(|_| Error::NotFound)?;
    let input = body(input, "not a form template (title and schema)")?;
    let saved = forms::save_template(&state, &caller.caller(), tenant_id(&tenant)?, Some(template), input).await?;
    Ok((StatusCode::CREATED, Json(saved)))
}

async fn submit(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client)): Path<(String, String)>,
    input: Result<Json<ResponseInput>, JsonRejection>,
) -> Result<(StatusCode, Json<FormResponse>), Error> {
    let (tenant, client) = ids(&tenant, &client)?;
    let input = body(input, "not a form response (form and answers)")?;
    Ok((StatusCode::CREATED, Json(forms::submit(&state, &caller.caller(), tenant, client, input).await?)))
}

async fn responses(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client)): Path<(String, String)>,
) -> Result<Json<FormResponseList>, Error> {
    let (tenant, client) = ids(&tenant, &client)?;
    Ok(Json(forms::responses(&state, &caller.caller(), tenant, client).await?))
}

async fn history(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client, instrument)): Path<(String, String, String)>,
) -> Result<Json<AssessmentHistory>, Error> {
    let (tenant, client) = ids(&tenant, &client)?;
    let instrument = Instrument::parse(&instrument).ok_or(Error::NotFound)?;
    Ok(Json(forms::history(&state, &caller.caller(), tenant, client, instrument).await?))
}
