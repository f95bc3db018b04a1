//! Integration tests of the records service: the real router on port 0, its own database role and
//! Vault AppRole, a fresh database migrated by its own migrations, and a real identity beside it.

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "integration tests and their helpers: a failed step must stop the test where it failed"
)]

mod access;
mod audit;
mod chart;
mod documents;
mod forms;
mod harness;
mod health;
mod notes;
mod search;
mod storage;
