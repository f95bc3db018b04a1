//! [`AppState`]: what every handler of identity can reach. Cheap to clone (handles only).

use std::sync::Arc;

use redis::aio::ConnectionManager;
use sea_orm::DatabaseConnection;
use tp_config::Environment;
use tp_vault::Vault;

use crate::config::IdentitySettings;

#[derive(Clone)]
#[expect(dead_code, reason = "read by the OIDC and admin endpoints of the following commits")]
pub struct AppState {
    pub db: DatabaseConnection,
    pub redis: ConnectionManager,
    pub vault: Vault,
    pub settings: Arc<IdentitySettings>,
    pub environment: Environment,
    /// Relying-party side of per-practice SSO: HTTP client and discovery cache.
    pub federation: crate::federation::Federation,
}
