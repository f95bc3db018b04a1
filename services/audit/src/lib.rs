//! The audit service: seals every event of `audit.events` into a per-tenant hash chain (plus
//! one for platform events), signs the chain's head with a Vault transit key, and verifies
//! chains on request (`POST /v1/tenants/{tenant}/audit/verify`, `telehealthctl audit verify`).
//!
//! [`Audit`] plugs it into the shared runtime (`tp_server`), which binds, layers and serves.
//! Reads of the log: a practice admin's search (`GET /v1/tenants/{tenant}/audit/events`) and a
//! client's "who accessed my record" (`GET /v1/tenants/{tenant}/audit/record-access`), see
//! [`search`]; the gateway turns them into GraphQL.

pub mod checkpoint;
pub mod config;
mod db;
pub mod domain;
pub mod error;
mod http;
pub mod migration;
pub mod sealer;
pub mod search;
pub mod state;
pub mod verification;

use std::sync::Arc;

use axum::Router;
use tp_ids::Service;
use tp_server::{Deps, ServiceApp, Settings, StartupError};

use crate::config::AuditSettings;
use crate::state::AppState;

/// The audit service as the shared runtime sees it.
pub struct Audit;

impl ServiceApp for Audit {
    const SERVICE: Service = Service::Audit;
    type Migrator = migration::Migrator;

    async fn routes(deps: Deps, settings: &Settings) -> Result<Router, StartupError> {
        let state = Self::state(deps, settings).await?;
        sealer::spawn(state.clone());
        Ok(http::router(state))
    }
}

impl Audit {
    /// The state the routes and the sealer run with: reads `audit.*` and makes sure the
    /// checkpoint key exists. Public so tests can drive the sealer with exactly this.
    pub async fn state(deps: Deps, settings: &Settings) -> Result<AppState, StartupError> {
        let audit: AuditSettings = settings.section("audit").map_err(|e| StartupError::Config(e.to_string()))?;
        let db = deps.db.ok_or_else(|| StartupError::Config("audit needs database settings".into()))?;
        checkpoint::ensure_key(&deps.vault, &audit.checkpoint_key).await.map_err(StartupError::Vault)?;
        let verifier = tp_auth::Verifier::new(&audit.auth)
            .map_err(|e| StartupError::Config(format!("token verifier: {}", tp_errors::error_chain(&e))))?;
        Ok(AppState { db, redis: deps.redis, vault: deps.vault, settings: Arc::new(audit), verifier })
    }
}
