//! [`AppState`]: what every handler of records can reach. Cheap to clone (handles only).

use redis::aio::ConnectionManager;
use sea_orm::DatabaseConnection;
use tp_auth::Verifier;
use tp_crypto::Keyring;

use crate::blind_index::BlindIndex;
use crate::care_team::IdentityClient;
use crate::consent::ConsentClient;

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    /// Holds the revocation list the verifier checks on every request.
    pub redis: ConnectionManager,
    /// Encrypts and decrypts chart fields under the practice's Vault key.
    pub keyring: Keyring,
    pub blind_index: BlindIndex,
    /// identity's internal API: care-team checks.
    pub identity: IdentityClient,
    /// consent's internal API: the decision before a disclosure.
    pub consent: ConsentClient,
    /// Verifies bearer tokens against identity's JWKS, with the revocation check.
    pub verifier: Verifier,
    /// How long a break-glass opening lasts (`records.break_glass_minutes`, checked at start).
    pub break_glass_minutes: u32,
}
