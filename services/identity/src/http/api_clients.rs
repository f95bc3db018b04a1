//! `/v1/tenants/{tenant}/api-clients`: register (secret shown once), list, revoke.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use tp_ids::ClientId;

use crate::admin::api_clients;
use crate::error::Error;
use crate::http::admin::tenant_id;
use crate::http::body::Body;
use crate::http::caller::AdminCaller;
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/tenants/{tenant}/api-clients", get(list).post(create))
        .route("/v1/tenants/{tenant}/api-clients/{client}", delete(revoke))
        .route("/v1/tenants/{tenant}/api-clients/{client}/approve", post(approve))
}

#[derive(Deserialize)]
struct NewClient {
    name: String,
    scopes: Vec<String>,
}

#[derive(Serialize)]
struct Created {
    client_id: ClientId,
    client_secret: String,
    name: String,
    scopes: Vec<String>,
    /// `false` when an operator registered it: a practice admin must approve it first.
    approved: bool,
}

async fn create(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Path(tenant): Path<String>,
    Body(body): Body<NewClient>,
) -> Result<(StatusCode, Json<Created>), Error> {
    let created = api_clients::create(&state, &caller, tenant_id(&tenant)?, &body.name, &body.scopes).await?;
    let client_secret = created.secret.expose_secret().to_owned();
    let body = Created {
        client_id: created.client_id,
        client_secret,
        name: body.name.trim().to_owned(),
        scopes: body.scopes,
        approved: created.approved,
    };
    Ok((StatusCode::CREATED, Json(body)))
}

#[derive(Serialize)]
struct ClientView {
    client_id: ClientId,
    name: String,
    scopes: Vec<String>,
    created_at: chrono::DateTime<chrono::Utc>,
    revoked: bool,
    approved: bool,
}

async fn list(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Path(tenant): Path<String>,
) -> Result<Json<serde_json::Value>, Error> {
    let clients: Vec<ClientView> = api_clients::list(&state, &caller, tenant_id(&tenant)?)
        .await?
        .into_iter()
        .map(|c| ClientView {
            client_id: c.client_id,
            name: c.name,
            scopes: c.scopes,
            created_at: c.created_at,
            revoked: c.revoked,
            approved: c.approved,
        })
        .collect();
    Ok(Json(serde_json::json!({ "api_clients": clients })))
}

async fn approve(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Path((tenant, client)): Path<(String, String)>,
) -> Result<StatusCode, Error> {
    let client = ClientId::parse(&client).map_err(|_| Error::NotFound)?;
    api_clients::approve(&state, &caller, tenant_id(&tenant)?, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn revoke(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Path((tenant, client)): Path<(String, String)>,
) -> Result<StatusCode, Error> {
    let client = ClientId::parse(&client).map_err(|_| Error::NotFound)?;
    api_clients::revoke(&state, &caller, tenant_id(&tenant)?, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}
