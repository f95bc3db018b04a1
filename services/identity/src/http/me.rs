//! `/v1/me`: the caller's own profile, practices and sessions, and ending one of those
//! sessions. Each handler parses, calls one `accounts::me` function, maps.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use tp_identity_api::account::{MyTenants, Profile, Sessions};
use tp_identity_api::paths;
use tp_ids::SessionId;

use crate::accounts::me;
use crate::error::Error;
use crate::http::caller::ApiCaller;
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route(paths::ME, get(profile))
        .route(paths::MY_TENANTS, get(tenants))
        .route(paths::MY_SESSIONS, get(sessions))
        .route("/v1/me/sessions/{session}", delete(end_session))
}

async fn profile(State(state): State<AppState>, ApiCaller(caller): ApiCaller) -> Result<Json<Profile>, Error> {
    Ok(Json(me::profile(&state, &caller).await?))
}

async fn tenants(State(state): State<AppState>, ApiCaller(caller): ApiCaller) -> Result<Json<MyTenants>, Error> {
    Ok(Json(me::tenants(&state, &caller).await?))
}

async fn sessions(State(state): State<AppState>, ApiCaller(caller): ApiCaller) -> Result<Json<Sessions>, Error> {
    Ok(Json(me::sessions(&state, &caller).await?))
}

/// A malformed id is a 404 like someone else's session.
async fn end_session(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(session): Path<String>,
) -> Result<StatusCode, Error> {
    let session = SessionId::parse(&session).map_err(|_| Error::NotFound)?;
    me::end_session(&state, &caller, session).await?;
    Ok(StatusCode::NO_CONTENT)
}
