//! The identity service: the OpenID Connect provider (accounts, MFA, sessions, API
//! clients), tenants, memberships, roles, care teams and per-practice SSO.
//!
//! [`Identity`] plugs it into the shared runtime (`tp_server`), which binds, layers and
//! serves; `routes` reads the `identity.*` settings and prepares the state.

pub mod accounts;
pub mod config;
mod db;
pub mod domain;
pub mod error;
mod http;
pub mod mail;
pub mod migration;
pub mod state;

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
        Ok(http::router(Self::state(deps, settings).await?))
    }
}

impl Identity {
    /// The state the routes serve with: reads the `identity.*` settings and makes sure the
    /// Vault keys exist. Public so that tests can call `accounts` functions directly with
    /// exactly what production runs.
    pub async fn state(deps: Deps, settings: &Settings) -> Result<AppState, StartupError> {
        let mut identity: IdentitySettings =
            settings.section("identity").map_err(|e| StartupError::Config(e.to_string()))?;
        identity.resolve_issuer(settings).map_err(StartupError::Config)?;
        let db = deps.db.ok_or_else(|| StartupError::Config("identity needs database settings".into()))?;
        accounts::ensure_mfa_key(&deps.vault, &identity).await.map_err(StartupError::Vault)?;
        let mailer = mail::SmtpMailer::new(&identity.smtp)
            .map_err(|e| StartupError::Config(format!("identity.smtp: {}", tp_errors::error_chain(&e))))?;
        Ok(AppState {
            db,
            redis: deps.redis,
            vault: deps.vault,
            settings: Arc::new(identity),
            environment: settings.environment,
            mailer: Arc::new(mailer),
        })
    }
}
