//! Test harness for integration tests against the real dependencies of the test profile:
//! a fresh PostgreSQL database per test cloned from a migrated template ([`db`]), Vault
//! handles and a throwaway OpenBao server ([`vault`]), a real service on port 0 ([`app`]), an
//! SMTP sink that keeps what services send ([`smtp`]), a real external OpenID provider for
//! federation ([`idp`]), an independent FHIR validator ([`fhir`]), both Node tools installed
//! on first use ([`node`]), and access tokens for test principals ([`tokens`]).
//!
//! Every test binary calls [`init`] first (idempotent) so TLS-using clients have a crypto
//! provider, and sets `TEST_LOG=1` to see logs.

pub mod app;
pub mod db;
pub mod env;
pub mod fhir;
pub mod idp;
pub mod node;
pub mod smtp;
pub mod tokens;
pub mod vault;

pub use env::TestEnv;

/// Per-process set-up shared by all test binaries: the rustls provider (reqwest and redis are
/// built without a default one) and, with `TEST_LOG=1`, readable logs.
pub fn init() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}
