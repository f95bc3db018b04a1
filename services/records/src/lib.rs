//! The records service: client charts, all PHI encrypted under the practice's key.
//!
//! So far the chart holds demographics and contacts: read, replaced, and found by name
//! through a blind index, each access checked (role, then care team) and audited in its own
//! transaction; progress notes (draft, signed and immutable, amended), for the care team
//! only; documents (type sniffed, 20 MiB) and forms (practice JSON Schema templates, PHQ-9 and
//! GAD-7 scored here). Psychotherapy notes and exports are still to come (issue 5).
//! [`Records`] plugs it into the shared runtime (`tp_server`), which binds, layers and serves.

mod audit;
pub mod blind_index;
mod care_team;
pub mod chart;
pub mod config;
mod db;
pub mod domain;
pub mod error;
mod http;
pub mod migration;
mod seal;
pub mod state;

use std::time::Duration;

use axum::Router;
use tp_ids::Service;
use tp_server::{Deps, ServiceApp, Settings, StartupError};

use crate::config::RecordsSettings;
use crate::state::AppState;

/// The records service as the shared runtime sees it.
pub struct Records;

impl ServiceApp for Records {
    const SERVICE: Service = Service::Records;
    type Migrator = migration::Migrator;

    async fn routes(deps: Deps, settings: &Settings) -> Result<Router, StartupError> {
        Ok(http::router(Self::state(deps, settings)?))
    }
}

impl Records {
    /// The state the routes serve with, from the `records.*` and `crypto.*` settings.
    pub fn state(deps: Deps, settings: &Settings) -> Result<AppState, StartupError> {
        let records: RecordsSettings = settings.section("records").map_err(|e| StartupError::Config(e.to_string()))?;
        let db = deps.db.ok_or_else(|| StartupError::Config("records needs database settings".into()))?;
        let verifier = tp_auth::Verifier::new(&records.auth)
            .map_err(|e| StartupError::Config(format!("records.auth: {}", tp_errors::error_chain(&e))))?;
        let keyring = tp_crypto::Keyring::new(deps.vault.clone(), &settings.crypto)
            .map_err(|e| StartupError::Config(e.to_string()))?;
        let identity =
            care_team::IdentityClient::new(&records.identity_url, Duration::from_millis(records.identity_timeout_ms))
                .map_err(|e| StartupError::Config(format!("records.identity_url: {e}")))?;
        Ok(AppState {
            blind_index: blind_index::BlindIndex::new(deps.vault, db.clone()),
            db,
            redis: deps.redis,
            keyring,
            identity,
            verifier,
        })
    }
}
