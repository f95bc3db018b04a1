//! The consent service: consent documents, e-signatures, disclosure authorizations and the disclosure decision API.
//!
//! So far it serves `/healthz` and `/readyz` only, and holds the built-in templates and the
//! rules of its first step (ADR 0006); its API arrives next.
//! [`Consent`] plugs it into the shared runtime (`tp_server`), which binds, layers and serves.

pub mod builtin;
pub mod domain;
pub mod migration;

use axum::Router;
use tp_ids::Service;
use tp_server::{Deps, ServiceApp, Settings, StartupError};

/// The consent service as the shared runtime sees it.
pub struct Consent;

impl ServiceApp for Consent {
    const SERVICE: Service = Service::Consent;
    type Migrator = migration::Migrator;

    async fn routes(_deps: Deps, _settings: &Settings) -> Result<Router, StartupError> {
        Ok(Router::new())
    }
}
