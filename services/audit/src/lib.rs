//! The audit service: the audit read API, the hash-chain sealer and its verification.
//!
//! So far it serves `/healthz` and `/readyz` only; its domain arrives with its own issue.
//! [`Audit`] plugs it into the shared runtime (`tp_server`), which binds, layers and serves.

pub mod migration;

use axum::Router;
use tp_ids::Service;
use tp_server::{Deps, ServiceApp, Settings, StartupError};

/// The audit service as the shared runtime sees it.
pub struct Audit;

impl ServiceApp for Audit {
    const SERVICE: Service = Service::Audit;
    type Migrator = migration::Migrator;

    async fn routes(_deps: Deps, _settings: &Settings) -> Result<Router, StartupError> {
        Ok(Router::new())
    }
}
