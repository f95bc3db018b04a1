//! Envelope encryption of tenant data (PHI fields) for every service.
//!
//! [`Keyring::encrypt`] seals a field with AES-256-GCM under a per-tenant data key, binding
//! it to its tenant, table, column and row; the data key travels inside the ciphertext,
//! wrapped by the tenant's Vault transit key `tenant-<uuid>`. Deleting that transit key
//! (identity, via `tp-vault`) makes all of the tenant's data unreadable: crypto-shredding.
//! Data keys are cached (TTL and capacity from `CryptoSettings`) so Vault is off the hot path.
//!
//! Not here: searchable or deterministic encryption (none; look-ups must use other columns),
//! key creation, rotation policy and rewrap jobs (identity and ops), and any plaintext
//! fallback: when Vault is unreachable and a key is not cached, operations fail.

mod cache;
pub mod envelope;
mod error;
mod inflight;
mod keyring;

pub use envelope::FieldContext;
pub use error::CryptoError;
pub use keyring::Keyring;
pub use tp_vault::tenant_key_name;
