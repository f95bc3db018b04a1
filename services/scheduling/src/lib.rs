//! The scheduling service: availability, appointments and telehealth rooms.
//!
//! So far it serves `/healthz` and `/readyz` only; its domain arrives with its own issue.
//! [`Scheduling`] plugs it into the shared runtime (`tp_server`), which binds, layers and serves.

pub mod migration;

use axum::Router;
use tp_ids::Service;
use tp_server::{Deps, ServiceApp, Settings, StartupError};

/// The scheduling service as the shared runtime sees it.
pub struct Scheduling;

impl ServiceApp for Scheduling {
    const SERVICE: Service = Service::Scheduling;
    type Migrator = migration::Migrator;

    async fn routes(_deps: Deps, _settings: &Settings) -> Result<Router, StartupError> {
        Ok(Router::new())
    }
}
