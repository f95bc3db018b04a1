//! [`AppState`]: what every handler of identity can reach. Cheap to clone (handles only).

use std::sync::Arc;

use redis::aio::ConnectionManager;
use sea_orm::DatabaseConnection;
use tp_config::Environment;
use tp_vault::Vault;

use crate::config::IdentitySettings;
use crate::mail::Mailer;
use crate::signing::Signer;

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub redis: ConnectionManager,
    pub vault: Vault,
    pub settings: Arc<IdentitySettings>,
    pub environment: Environment,
    /// Signs tokens with the Vault transit key and serves the JWKS.
    pub signer: Signer,
    /// Verifies bearer tokens on the admin and internal APIs, like any other service does:
    /// against identity's own published JWKS, with the revocation check.
    pub verifier: tp_auth::Verifier,
    /// Sends account emails (SMTP in production and tests).
    pub mailer: Arc<dyn Mailer>,
    /// Relying-party side of per-practice SSO: HTTP client and discovery cache.
    pub federation: crate::federation::Federation,
}
