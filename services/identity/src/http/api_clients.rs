//! `/v1/tenants/{tenant}/api-clients`: register (secret shown once), list, revoke.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use secrecy::ExposeSecret;
use tp_identity_api::admin as api;
use tp_ids::ClientId;

use crate::admin::api_clients;
use crate::error::Error;
use crate::http::admin::tenant_id;
use crate::http::body::Body;
use crate::http::caller::ApiCaller;
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/tenants/{tenant}/api-clients", get(list).post(create))
        .route("/v1/tenants/{tenant}/api-clients/{client}", delete(revoke))
        .route("/v1/tenants/{tenant}/api-clients/{client}/approve", post(approve))
}

async fn create(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(tenant): Path<String>,
    Body(body): Body<api::NewApiClient>,
) -> Result<(StatusCode, Json<api::CreatedApiClient>), Error> {
    let created = api_clients::create(&state, &caller, tenant_id(&tenant)?, &body.name, &body.scopes).await?;
    let client_secret = created.secret.expose_secret().to_owned();
    let body = api::CreatedApiClient {
        client_id: created.client_id,
        client_secret,
        name: body.name.trim().to_owned(),
        scopes: body.scopes,
        approved: created.approved,
    };
    Ok((StatusCode::CREATED, Json(body)))
}

async fn list(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(tenant): Path<String>,
) -> Result<Json<api::ApiClients>, Error> {
    let api_clients = api_clients::list(&state, &caller, tenant_id(&tenant)?)
        .await?
        .into_iter()
        .map(|c| api::ApiClient {
            client_id: c.client_id,
            name: c.name,
            scopes: c.scopes,
            created_at: c.created_at,
            revoked: c.revoked,
            approved: c.approved,
        })
        .collect();
    Ok(Json(api::ApiClients { api_clients }))
}

async fn approve(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((tenant, client)): Path<(String, String)>,
) -> Result<StatusCode, Error> {
    let client = ClientId::parse(&client).map_err(|_| Error::NotFound)?;
    api_clients::approve(&state, &caller, tenant_id(&tenant)?, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn revoke(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((tenant, client)): Path<(String, String)>,
) -> Result<StatusCode, Error> {
    let client = ClientId::parse(&client).map_err(|_| Error::NotFound)?;
    api_clients::revoke(&state, &caller, tenant_id(&tenant)?, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}
