//! The audit service's HTTP API (`/v1`), bearer tokens verified by `tp_auth`.

mod events;
mod verify;

use axum::Router;

use crate::state::AppState;

pub(crate) fn router(state: AppState) -> Router {
    Router::new().merge(verify::router()).merge(events::router()).with_state(state)
}
