//! The gateway service: the public GraphQL API: authentication, tenant scope, role-based access and limits in front of every other service. It owns no data.
//!
//! So far it serves `/healthz` and `/readyz` only; its domain arrives with its own issue.
//! [`Gateway`] plugs it into the shared runtime (`tp_server`), which binds, layers and serves.

use axum::Router;
use tp_ids::Service;
use tp_server::{Deps, ServiceApp, Settings, StartupError};

/// The gateway service as the shared runtime sees it.
pub struct Gateway;

impl ServiceApp for Gateway {
    const SERVICE: Service = Service::Gateway;
    type Migrator = tp_db::migration::NoMigrations;

    async fn routes(_deps: Deps, _settings: &Settings) -> Result<Router, StartupError> {
        Ok(Router::new())
    }
}
