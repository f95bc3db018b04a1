//! Integration tests of the gateway: real identity, real Redis and OpenBao, the gateway's
//! own router on port 0.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "integration tests and their helpers: a failed step must stop the test where it failed"
)]

mod api;
mod audit;
mod bad_input;
mod chart_files;
mod clinical;
mod consent;
mod disclosure;
mod downstream;
mod harness;
mod health;
mod isolation;
mod outside_transfers;
mod rate_limit;
mod rbac;
mod records;
mod scheduling;
mod subscriptions;
mod transfers;
mod ws;
