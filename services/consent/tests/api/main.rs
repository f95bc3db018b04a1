//! Integration tests of the consent service: the real router on port 0, its own database role and
//! Vault AppRole, a fresh database migrated by its own migrations, and a real identity beside it
//! issuing the tokens.

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "integration tests and their helpers: a failed step must stop the test where it failed"
)]

mod audit;
mod authorizations;
mod decisions;
mod disclosure_storage;
mod disclosures;
mod harness;
mod health;
mod outside;
mod readiness;
mod reading;
mod requirements;
mod restrictions;
mod signing;
mod storage;
mod templates;
mod transfers;
