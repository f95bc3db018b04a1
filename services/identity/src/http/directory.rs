//! `GET /v1/tenants/{tenant}/users?ids=a,b,c`: the practice directory, one batch per request.

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use tp_identity_api::admin::Directory;

use crate::admin::directory;
use crate::domain::lookup::parse_user_ids;
use crate::error::Error;
use crate::http::admin::tenant_id;
use crate::http::caller::ApiCaller;
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/v1/tenants/{tenant}/users", get(lookup))
}

/// A raw string: its errors are ours (400 `IDENTITY_INVALID_INPUT` naming `ids`).
#[derive(Deserialize)]
struct LookupQuery {
    ids: Option<String>,
}

async fn lookup(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(tenant): Path<String>,
    Query(query): Query<LookupQuery>,
) -> Result<Json<Directory>, Error> {
    let tenant = tenant_id(&tenant)?;
    let ids = parse_user_ids(query.ids.as_deref())?;
    Ok(Json(directory::lookup(&state, &caller, tenant, &ids).await?))
}
