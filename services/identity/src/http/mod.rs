//! HTTP surface of identity: OIDC endpoints, sign-in pages, the admin JSON API, account
//! links and the internal check API. One module per resource, each with `router()`.

mod account;
pub(crate) mod csrf;
pub(crate) mod pages;

use axum::Router;

use crate::state::AppState;

pub(crate) fn router(state: AppState) -> Router {
    Router::new().merge(account::router()).with_state(state)
}
