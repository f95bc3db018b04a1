//! `/v1/tenants/{tenant}/sso`: a practice's own OpenID provider (PUT to set, GET, DELETE).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};

use crate::admin::sso;
use crate::error::Error;
use crate::federation::{SsoConfig, SsoView};
use crate::http::admin::tenant_id;
use crate::http::body::Body;
use crate::http::caller::ApiCaller;
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/v1/tenants/{tenant}/sso", get(show).put(configure).delete(remove))
}

async fn configure(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(tenant): Path<String>,
    Body(body): Body<SsoConfig>,
) -> Result<Json<SsoView>, Error> {
    Ok(Json(sso::configure(&state, &caller, tenant_id(&tenant)?, body).await?))
}

async fn show(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(tenant): Path<String>,
) -> Result<Json<SsoView>, Error> {
    Ok(Json(sso::get(&state, &caller, tenant_id(&tenant)?).await?))
}

async fn remove(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(tenant): Path<String>,
) -> Result<StatusCode, Error> {
    sso::remove(&state, &caller, tenant_id(&tenant)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
