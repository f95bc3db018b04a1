//! [`AppState`]: what every handler of scheduling can reach. Cheap to clone (handles only).

use redis::aio::ConnectionManager;
use sea_orm::DatabaseConnection;
use tp_auth::Verifier;

use crate::downstream::{ConsentClient, IdentityClient};

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    /// Holds the revocation list the verifier checks on every request.
    pub redis: ConnectionManager,
    /// Verifies bearer tokens against identity's JWKS, with the revocation check.
    pub verifier: Verifier,
    /// Who is a clinician or a client of the practice, asked with the caller's token.
    pub identity: IdentityClient,
    /// Readiness, asked with the caller's token and never kept.
    pub consent: ConsentClient,
}
