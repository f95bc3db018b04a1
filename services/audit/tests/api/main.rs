//! Integration tests of the audit service: the real router on port 0, its own database role and
//! Vault AppRole, a fresh database migrated by its own migrations.

#![expect(
    clippy::unwrap_used,
    reason = "integration tests and their helpers: a failed step must stop the test where it failed"
)]

mod access;
mod harness;
mod health;
mod sealing;
mod search;
mod tamper;
