//! [`AppState`]: what the handlers and the sealer of the audit service reach. Cheap to clone
//! (handles only).

use std::sync::Arc;

use redis::aio::ConnectionManager;
use sea_orm::DatabaseConnection;
use tp_vault::Vault;

use crate::config::AuditSettings;

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    /// The revocation list the token verifier checks.
    pub redis: ConnectionManager,
    /// Signs checkpoints and reads their public keys (transit `audit-checkpoints`).
    pub vault: Vault,
    pub settings: Arc<AuditSettings>,
    pub verifier: tp_auth::Verifier,
}

impl tp_auth::AuthState for AppState {
    fn verifier(&self) -> &tp_auth::Verifier {
        &self.verifier
    }

    fn redis(&self) -> ConnectionManager {
        self.redis.clone()
    }
}
