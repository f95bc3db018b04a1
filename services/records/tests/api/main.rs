//! Integration tests of the records service: the real router on port 0, its own database role and
//! Vault AppRole, a fresh database migrated by its own migrations, and a real identity beside it.

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "integration tests and their helpers: a failed step must stop the test where it failed"
)]

mod access;
mod amendments;
mod audit;
mod break_glass;
mod care_team;
mod care_team_answers;
mod chart;
mod diagnoses;
mod disclosure;
mod disclosure_access;
mod documents;
mod export;
mod forms;
mod harness;
mod health;
mod medications;
mod notes;
mod psychotherapy;
mod search;
mod storage;
mod sud_flags;
mod treatment_plan;
