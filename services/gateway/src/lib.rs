//! The gateway: the public GraphQL API in front of every other service. It authenticates the
//! caller, enforces the permission table and the request limits, and calls the services
//! with the caller's own token. It owns no data.

pub mod config;
mod downstream;
mod events;
mod gate;
mod graphql;
mod http;
mod ratelimit;
mod state;

use axum::Router;
use tp_ids::Service;
use tp_server::{Deps, ServiceApp, Settings, StartupError};

/// The gateway service as the shared runtime sees it.
pub struct Gateway;

impl ServiceApp for Gateway {
    const SERVICE: Service = Service::Gateway;
    type Migrator = tp_db::migration::NoMigrations;

    async fn routes(deps: Deps, settings: &Settings) -> Result<Router, StartupError> {
        let state = state::AppState::build(deps, settings)?;
        Ok(http::router(state))
    }
}
