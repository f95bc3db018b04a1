//! [`AppState`]: what every handler of consent can reach. Cheap to clone (handles only).

use redis::aio::ConnectionManager;
use sea_orm::DatabaseConnection;
use tp_auth::Verifier;
use tp_crypto::Keyring;

use crate::identity::IdentityClient;

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    /// Holds the revocation list the verifier checks on every request.
    pub redis: ConnectionManager,
    /// Seals and opens signed documents under the practice's Vault key.
    pub keyring: Keyring,
    /// Verifies bearer tokens against identity's JWKS, with the revocation check.
    pub verifier: Verifier,
    /// Who a caller is, asked of identity with their own token (records transfers).
    pub identity: IdentityClient,
    /// Lifetimes of records requests and of their packages.
    pub transfers: TransferLifetimes,
}

#[derive(Clone, Copy, Debug)]
pub struct TransferLifetimes {
    pub request: chrono::Duration,
    pub download: chrono::Duration,
}
