//! The audit log against the real PostgreSQL of the test profile, written as the service
//! roles do (a superuser would bypass RLS and prove nothing), on a template built the way
//! every service's is (its own migrations plus the audit log's, see `tp_testkit::db`).

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "fixture helpers fail their test loudly")]

mod append_only;
mod fixture;
mod write;
