//! HTTP surface of identity: OIDC endpoints, sign-in pages, the admin JSON API, account
//! links and the internal check API. One module per resource, each with `router()`.

mod account;
mod admin;
mod api_clients;
mod authorize;
mod body;
mod caller;
pub(crate) mod csrf;
mod directory;
mod discovery;
mod end_session;
mod federation;
mod internal;
mod jwks;
mod login;
mod me;
mod mfa;
mod oauth_error;
pub(crate) mod pages;
mod revoke;
mod sso;
mod tenant_choice;
mod token;
mod userinfo;

use axum::Router;

use crate::state::AppState;

pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .merge(discovery::router())
        .merge(jwks::router())
        .merge(token::router())
        .merge(revoke::router())
        .merge(userinfo::router())
        .merge(account::router())
        .merge(admin::router())
        .merge(api_clients::router())
        .merge(directory::router())
        .merge(me::router())
        .merge(internal::router())
        .merge(federation::router())
        .merge(sso::router())
        .merge(authorize::router())
        .merge(login::router())
        .merge(mfa::router())
        .merge(tenant_choice::router())
        .merge(end_session::router())
        .with_state(state)
}
