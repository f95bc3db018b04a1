//! HTTP surface of records: the `/v1` JSON API the gateway calls with the caller's token.

mod caller;
mod clients;
mod documents;
mod forms;
mod notes;

use axum::Router;

use crate::state::AppState;

pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .merge(clients::router())
        .merge(notes::router())
        .merge(documents::router())
        .merge(forms::router())
        .with_state(state)
}
