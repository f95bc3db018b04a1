//! The records service: client charts, notes, forms, documents and exports, all PHI encrypted under the tenant's key.
//!
//! So far it serves `/healthz` and `/readyz` only; its domain arrives with its own issue.
//! [`Records`] plugs it into the shared runtime (`tp_server`), which binds, layers and serves.

pub mod migration;

use axum::Router;
use tp_ids::Service;
use tp_server::{Deps, ServiceApp, Settings, StartupError};

/// The records service as the shared runtime sees it.
pub struct Records;

impl ServiceApp for Records {
    const SERVICE: Service = Service::Records;
    type Migrator = migration::Migrator;

    async fn routes(_deps: Deps, _settings: &Settings) -> Result<Router, StartupError> {
        Ok(Router::new())
    }
}
