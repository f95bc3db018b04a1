//! The consent service: consent templates (built-in and the practice's own, versioned),
//! e-signatures of their exact text, withdrawals, the documents a practice requires before a
//! first appointment, and the readiness answer other services ask for (may this client book,
//! did they consent to recording). A signed document is one ciphertext under the practice's
//! key, and never changes.
//! Disclosure authorizations (grounded in a signed release, psychotherapy-notes or Part 2
//! document), restrictions, the decision before any disclosure and the accounting of
//! disclosures (ADR 0006, step 2). Records transfers between practices on the platform
//! (step 4): requests, the client's answer, the sealed package records makes, the download.
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
mod identity;
pub mod migration;
mod seal;
pub mod state;
mod transfers;

use axum::Router;
use tp_ids::Service;
use tp_server::{Deps, ServiceApp, Settings, StartupError};

use crate::config::ConsentSettings;
use crate::identity::IdentityClient;
use crate::state::{AppState, TransferLifetimes};

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
        let timeout = std::time::Duration::from_millis(consent.identity_timeout_ms);
        let identity = IdentityClient::new(&consent.identity_url, timeout)
            .map_err(|e| StartupError::Config(format!("consent.identity_url: {}", tp_errors::error_chain(&e))))?;
        let days = |value: u32, range: std::ops::RangeInclusive<u32>, name: &str| {
            if range.contains(&value) {
                Ok(chrono::Duration::days(i64::from(value)))
            } else {
                Err(StartupError::Config(format!("consent.{name} must be {} to {} days", range.start(), range.end())))
            }
        };
        let transfers = TransferLifetimes {
            request: days(consent.transfer_request_days, 1..=365, "transfer_request_days")?,
            download: days(consent.transfer_download_days, 1..=90, "transfer_download_days")?,
        };
        Ok(AppState { db, redis: deps.redis, keyring, verifier, identity, transfers })
    }
}
