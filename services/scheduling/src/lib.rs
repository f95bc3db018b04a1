//! The scheduling service: appointments (booked only once the client signed every consent
//! document the practice requires, never double-booked) and the telehealth room's recording
//! flag (on only with the client's recording consent, asked of consent every time).
//!
//! Availability, join tokens, the waiting room and signalling are not built yet.
//! [`Scheduling`] plugs it into the shared runtime (`tp_server`), which binds, layers and serves.

mod access;
mod appointments;
mod audit;
pub mod config;
mod db;
pub mod domain;
mod downstream;
pub mod error;
mod http;
pub mod migration;
mod rooms;
pub mod state;

use std::time::Duration;

use axum::Router;
use tp_ids::Service;
use tp_server::{Deps, ServiceApp, Settings, StartupError};

use crate::config::SchedulingSettings;
use crate::downstream::{ConsentClient, IdentityClient};
use crate::state::AppState;

/// The scheduling service as the shared runtime sees it.
pub struct Scheduling;

impl ServiceApp for Scheduling {
    const SERVICE: Service = Service::Scheduling;
    type Migrator = migration::Migrator;

    async fn routes(deps: Deps, settings: &Settings) -> Result<Router, StartupError> {
        Ok(http::router(Self::state(deps, settings)?))
    }
}

impl Scheduling {
    /// The state the routes serve with, from the `scheduling.*` settings.
    pub fn state(deps: Deps, settings: &Settings) -> Result<AppState, StartupError> {
        let config: SchedulingSettings =
            settings.section("scheduling").map_err(|e| StartupError::Config(e.to_string()))?;
        let db = deps.db.ok_or_else(|| StartupError::Config("scheduling needs database settings".into()))?;
        let verifier = tp_auth::Verifier::new(&config.auth)
            .map_err(|e| StartupError::Config(format!("scheduling.auth: {}", tp_errors::error_chain(&e))))?;
        if !(100..=30_000).contains(&config.downstream_timeout_ms) {
            return Err(StartupError::Config("scheduling.downstream_timeout_ms must be 100 to 30000".into()));
        }
        let timeout = Duration::from_millis(config.downstream_timeout_ms);
        let config_error = |name: &str, e: reqwest::Error| {
            StartupError::Config(format!("scheduling.{name}: {}", tp_errors::error_chain(&e)))
        };
        let identity =
            IdentityClient::new(&config.identity_url, timeout).map_err(|e| config_error("identity_url", e))?;
        let consent = ConsentClient::new(&config.consent_url, timeout).map_err(|e| config_error("consent_url", e))?;
        Ok(AppState { db, redis: deps.redis, verifier, identity, consent })
    }
}
