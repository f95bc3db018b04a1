//! The records service: client charts, all PHI encrypted under the practice's key.
//!
//! So far the chart holds demographics and contacts: read, replaced, and found by name
//! through a blind index, each access checked (role, then care team) and audited in its own
//! transaction; and progress notes (draft, signed and immutable, amended), for the care team
//! only; diagnoses, the treatment plan, medications and amendment requests, for the care team
//! and the client themself; psychotherapy notes, their author's alone; break-glass openings.
//! Documents (type sniffed, 20 MiB) and forms (practice JSON Schema templates, PHQ-9 and GAD-7
//! scored here). A client's record is exported (right of access) as a FHIR R4 Bundle or an
//! HTML summary, and packaged, sealed, for a disclosure the client approved (consent decides
//! what goes; SUD-flagged items only under a Part 2 consent).
//! [`Records`] plugs it into the shared runtime (`tp_server`), which binds, layers and serves.

mod audit;
pub mod blind_index;
mod care_team;
pub mod chart;
pub mod config;
mod consent;
mod db;
pub mod domain;
pub mod error;
pub mod export;
mod http;
pub mod migration;
mod seal;
mod sealed_json;
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
        if records.care_team_cache_secs > 300 {
            return Err(StartupError::Config("records.care_team_cache_secs must be 0 to 300".into()));
        }
        let identity = care_team::IdentityClient::new(
            &records.identity_url,
            Duration::from_millis(records.identity_timeout_ms),
            deps.redis.clone(),
            Duration::from_secs(records.care_team_cache_secs),
        )
        .map_err(|e| StartupError::Config(format!("records.identity_url: {e}")))?;
        let consent =
            consent::ConsentClient::new(&records.consent_url, Duration::from_millis(records.consent_timeout_ms))
                .map_err(|e| StartupError::Config(format!("records.consent_url: {e}")))?;
        if !(1..=720).contains(&records.break_glass_minutes) {
            return Err(StartupError::Config("records.break_glass_minutes must be 1 to 720".into()));
        }
        Ok(AppState {
            break_glass_minutes: records.break_glass_minutes,
            blind_index: blind_index::BlindIndex::new(deps.vault, db.clone()),
            db,
            redis: deps.redis,
            keyring,
            identity,
            consent,
            verifier,
        })
    }
}
