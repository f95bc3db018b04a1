//! The consent service: consent templates (built-in and the practice's own, versioned),
//! e-signatures of their exact text, withdrawals, the documents a practice requires before a
//! first appointment, and the readiness answer other services ask for (may this client book,
//! did they consent to recording). A signed document is one ciphertext under the practice's
//! key, and never changes.
//! Disclosure authorizations (grounded in a signed release, psychotherapy-notes or Part 2
//! document), restrictions, the decision before any disclosure and the accounting of
//! disclosures (ADR 0006, step 2). Not yet: records' export and transfers (steps 3 and 4).
//! [`Consent`] plugs it into the shared runtime (`tp_server`), which binds, layers and serves.

mod audit;
pub mod builtin;
pub mod config;
mod db;
mod disclosure;
mod documents;
pub mod domain;
pub mod error;
mod http;
pub mod migration;
mod seal;
pub mod state;

use axum::Router;
use tp_ids::Service;
use tp_server::{Deps, ServiceApp, Settings, StartupError};

use crate::config::ConsentSettings;
use crate::state::AppState;

/// The consent service as the shared runtime sees it.
pub struct Consent;

impl ServiceApp for Consent {
    const SERVICE: Service = Service::Consent;
    type Migrator = migration::Migrator;

    async fn routes(deps: Deps, settings: &Settings) -> Result<Router, StartupError> {
        Ok(http::router(Self::state(deps, settings)?))
    }
}

impl Consent {
    /// The state the routes serve with, from the `consent.*` and `crypto.*` settings.
    pub fn state(deps: Deps, settings: &Settings) -> Result<AppState, StartupError> {
        let consent: ConsentSettings = settings.section("consent").map_err(|e| StartupError::Config(e.to_string()))?;
        let db = deps.db.ok_or_else(|| StartupError::Config("consent needs database settings".into()))?;
        let verifier = tp_auth::Verifier::new(&consent.auth)
            .map_err(|e| StartupError::Config(format!("consent.auth: {}", tp_errors::error_chain(&e))))?;
        let keyring =
            tp_crypto::Keyring::new(deps.vault, &settings.crypto).map_err(|e| StartupError::Config(e.to_string()))?;
        Ok(AppState { db, redis: deps.redis, keyring, verifier })
    }
}
