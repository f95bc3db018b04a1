//! Integration tests of the scheduling service: the real router on port 0, its own database
//! role and Vault AppRole, a fresh database migrated by its own migrations, and a real
//! identity (tokens, the directory) and consent (readiness) beside it.

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "integration tests and their helpers: a failed step must stop the test where it failed"
)]

// consent's harness (identity, consent, practices, people with real tokens, signing), used
// as it is rather than copied; scheduling needs only part of it.
#[expect(dead_code, reason = "consent's own tests use the rest of it")]
#[path = "../../../consent/tests/api/harness.rs"]
mod consent_harness;

mod booking;
mod harness;
mod health;
mod rooms;
mod visibility;
