//! The identity service: the OpenID Connect provider: accounts, MFA, sessions, API clients, tenants, memberships, roles and care teams.
//!
//! So far it serves `/healthz` and `/readyz` only; its domain arrives with its own issue.
//! [`Identity`] plugs it into the shared runtime (`tp_server`), which binds, layers and serves.

pub mod migration;

use axum::Router;
use tp_ids::Service;
use tp_server::{Deps, ServiceApp};

/// The identity service as the shared runtime sees it.
pub struct Identity;

impl ServiceApp for Identity {
    const SERVICE: Service = Service::Identity;
    type Migrator = migration::Migrator;

    fn routes(_deps: Deps) -> Router {
        Router::new()
    }
}
