//! `/v1/tenants/{t}/clients/{c}/{diagnoses,treatment-plan,medications}…`: the clinical part
//! of the chart. Handlers parse ids (a malformed one is NOT_FOUND, like an unknown one) and
//! the body (one that is not the expected JSON is 400 before access is decided), call one
//! chart operation and return its answer as JSON.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use tp_ids::{TenantId, UserId};
use tp_records_api::clinical::{
    CurrentTreatmentPlan, Diagnosis, DiagnosisInput, DiagnosisList, Medication, MedicationInput, MedicationList,
    TreatmentPlan, TreatmentPlanInput,
};
use uuid::Uuid;

use super::caller::ApiCaller;
use crate::chart::{diagnoses, medications, treatment_plan};
use crate::error::Error;
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/tenants/{tenant}/clients/{client}/diagnoses", get(list_diagnoses).post(add_diagnosis))
        .route("/v1/tenants/{tenant}/clients/{client}/diagnoses/{id}", put(update_diagnosis))
        .route("/v1/tenants/{tenant}/clients/{client}/treatment-plan", get(read_plan).put(set_plan))
        .route("/v1/tenants/{tenant}/clients/{client}/medications", get(list_medications).post(add_medication))
        .route("/v1/tenants/{tenant}/clients/{client}/medications/{id}", put(update_medication))
}

pub(super) fn ids(tenant: &str, client: &str) -> Result<(TenantId, UserId), Error> {
    let tenant = TenantId::parse(tenant).map_err(|_| Error::NotFound)?;
    Ok((tenant, UserId::parse(client).map_err(|_| Error::NotFound)?))
}

pub(super) fn item_ids(tenant: &str, client: &str, id: &str) -> Result<(TenantId, UserId, Uuid), Error> {
    let (tenant, client) = ids(tenant, client)?;
    Ok((tenant, client, Uuid::parse_str(id).map_err(|_| Error::NotFound)?))
}

pub(super) fn body<T: DeserializeOwned>(body: Result<Json<T>, JsonRejection>) -> Result<T, Error> {
    body.map(|Json(input)| input).map_err(|_| Error::invalid("body", "not the expected document"))
}

type Body<T> = Result<Json<T>, JsonRejection>;

async fn list_diagnoses(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client)): Path<(String, String)>,
) -> Result<Json<DiagnosisList>, Error> {
    let (tenant, client) = ids(&tenant, &client)?;
    Ok(Json(diagnoses::list(&state, &caller.caller(), tenant, client).await?))
}

async fn add_diagnosis(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client)): Path<(String, String)>,
    input: Body<DiagnosisInput>,
) -> Result<(StatusCode, Json<Diagnosis>), Error> {
    let (tenant, client) = ids(&tenant, &client)?;
    let input = body(input)?;
    Ok((StatusCode::CREATED, Json(diagnoses::add(&state, &caller.caller(), tenant, client, input).await?)))
}

async fn update_diagnosis(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client, id)): Path<(String, String, String)>,
    input: Body<DiagnosisInput>,
) -> Result<Json<Diagnosis>, Error> {
    let key = item_ids(&tenant, &client, &id)?;
    Ok(Json(diagnoses::update(&state, &caller.caller(), key, body(input)?).await?))
}

async fn read_plan(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client)): Path<(String, String)>,
) -> Result<Json<CurrentTreatmentPlan>, Error> {
    let (tenant, client) = ids(&tenant, &client)?;
    Ok(Json(treatment_plan::read(&state, &caller.caller(), tenant, client).await?))
}

async fn set_plan(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client)): Path<(String, String)>,
    input: Body<TreatmentPlanInput>,
) -> Result<Json<TreatmentPlan>, Error> {
    let (tenant, client) = ids(&tenant, &client)?;
    Ok(Json(treatment_plan::set(&state, &caller.caller(), tenant, client, body(input)?).await?))
}

async fn list_medications(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client)): Path<(String, String)>,
) -> Result<Json<MedicationList>, Error> {
    let (tenant, client) = ids(&tenant, &client)?;
    Ok(Json(medications::list(&state, &caller.caller(), tenant, client).await?))
}

async fn add_medication(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client)): Path<(String, String)>,
    input: Body<MedicationInput>,
) -> Result<(StatusCode, Json<Medication>), Error> {
    let (tenant, client) = ids(&tenant, &client)?;
    let input = body(input)?;
    Ok((StatusCode::CREATED, Json(medications::add(&state, &caller.caller(), tenant, client, input).await?)))
}

async fn update_medication(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client, id)): Path<(String, String, String)>,
    input: Body<MedicationInput>,
) -> Result<Json<Medication>, Error> {
    let key = item_ids(&tenant, &client, &id)?;
    Ok(Json(medications::update(&state, &caller.caller(), key, body(input)?).await?))
}
