//! HTTP surface of records: the `/v1` JSON API the gateway calls with the caller's token.

mod amendments;
mod caller;
mod clients;
mod clinical;
mod notes;

use axum::Router;

use crate::state::AppState;

pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .merge(clients::router())
        .merge(notes::router())
        .merge(clinical::router())
        .merge(amendments::router())
        .with_state(state)
}
