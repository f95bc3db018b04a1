//! HTTP surface of identity: OIDC endpoints, sign-in pages, the admin JSON API, account
//! links and the internal check API. One module per resource, each with `router()`.

mod federation;

use axum::Router;

use crate::state::AppState;

pub(crate) fn router(state: AppState) -> Router {
    Router::new().merge(federation::router()).with_state(state)
}
