//! The messaging service: secure threads, attachments and PHI-free notifications.
//!
//! So far it serves `/healthz` and `/readyz` only; its domain arrives with its own issue.
//! [`Messaging`] plugs it into the shared runtime (`tp_server`), which binds, layers and serves.

pub mod migration;

use axum::Router;
use tp_ids::Service;
use tp_server::{Deps, ServiceApp, Settings, StartupError};

/// The messaging service as the shared runtime sees it.
pub struct Messaging;

impl ServiceApp for Messaging {
    const SERVICE: Service = Service::Messaging;
    type Migrator = migration::Migrator;

    async fn routes(_deps: Deps, _settings: &Settings) -> Result<Router, StartupError> {
        Ok(Router::new())
    }
}
