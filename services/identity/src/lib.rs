//! The identity service: the OpenID Connect provider (accounts, MFA, sessions, API
//! clients), tenants, memberships, roles, care teams and per-practice SSO.
//!
//! [`Identity`] plugs it into the shared runtime (`tp_server`), which binds, layers and
//! serves; `routes` reads the `identity.*` settings and prepares the state.

pub mod config;
mod db;
pub mod domain;
pub mod error;
pub mod federation;
mod http;
pub mod migration;
mod state;

use std::sync::Arc;

use axum::Router;
use tp_ids::Service;
use tp_server::{Deps, ServiceApp, Settings, StartupError};

use crate::config::IdentitySettings;
use crate::state::AppState;

/// The identity service as the shared runtime sees it.
pub struct Identity;

impl ServiceApp for Identity {
    const SERVICE: Service = Service::Identity;
    type Migrator = migration::Migrator;

    async fn routes(deps: Deps, settings: &Settings) -> Result<Router, StartupError> {
        let mut identity: IdentitySettings =
            settings.section("identity").map_err(|e| StartupError::Config(e.to_string()))?;
        identity.resolve_issuer(settings).map_err(StartupError::Config)?;
        let db = deps.db.ok_or_else(|| StartupError::Config("identity needs database settings".into()))?;
        let callback = format!("{}/federation/callback", identity.issuer());
        let federation = federation::Federation::new(identity.allow_loopback_http(settings.environment), callback)
            .map_err(|e| StartupError::Config(e.to_string()))?;
        let state = AppState {
            db,
            redis: deps.redis,
            vault: deps.vault,
            settings: Arc::new(identity),
            environment: settings.environment,
            federation,
        };
        Ok(http::router(state))
    }
}
