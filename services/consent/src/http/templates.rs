//! `/v1/tenants/{t}/consent-templates…` and `/v1/tenants/{t}/consent-requirements`: the
//! practice's templates (built-in and its own) and the ones required before a first
//! appointment. Handlers parse ids and bodies, call one operation and answer its result.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use tp_consent_api::templates::{Requirements, Template, TemplateInput, TemplateList};

use super::body::Body;
use super::caller::ApiCaller;
use super::{tenant_id, uuid};
use crate::documents::{requirements, templates};
use crate::error::Error;
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/tenants/{tenant}/consent-templates", get(list).post(create))
        .route("/v1/tenants/{tenant}/consent-templates/{template}", get(one))
        .route("/v1/tenants/{tenant}/consent-templates/{template}/versions", post(new_version))
        .route("/v1/tenants/{tenant}/consent-requirements", get(required).put(require))
}

async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(tenant): Path<String>,
) -> Result<Json<TemplateList>, Error> {
    Ok(Json(templates::list(&state, &caller.caller(), tenant_id(&tenant)?).await?))
}

async fn one(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, template)): Path<(String, String)>,
) -> Result<Json<Template>, Error> {
    Ok(Json(templates::get(&state, &caller.caller(), tenant_id(&tenant)?, &template).await?))
}

async fn create(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(tenant): Path<String>,
    Body(input): Body<TemplateInput>,
) -> Result<(StatusCode, Json<Template>), Error> {
    let saved = templates::save(&state, &caller.caller(), tenant_id(&tenant)?, None, input).await?;
    Ok((StatusCode::CREATED, Json(saved)))
}

async fn new_version(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, template)): Path<(String, String)>,
    Body(input): Body<TemplateInput>,
) -> Result<(StatusCode, Json<Template>), Error> {
    let (tenant, template) = (tenant_id(&tenant)?, uuid(&template)?);
    let saved = templates::save(&state, &caller.caller(), tenant, Some(template), input).await?;
    Ok((StatusCode::CREATED, Json(saved)))
}

async fn required(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(tenant): Path<String>,
) -> Result<Json<Requirements>, Error> {
    Ok(Json(requirements::get(&state, &caller.caller(), tenant_id(&tenant)?).await?))
}

async fn require(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(tenant): Path<String>,
    Body(input): Body<Requirements>,
) -> Result<Json<Requirements>, Error> {
    Ok(Json(requirements::set(&state, &caller.caller(), tenant_id(&tenant)?, input).await?))
}
