//! The platform's Vault (OpenBao) client: a thin, typed wrapper over `vaultrs`.
//!
//! [`Vault`] logs in with the service's AppRole and keeps its token alive in the background,
//! logging in again when Vault stops accepting it (after a restart or a long outage);
//! its methods cover what services need: transit (tenant keys, data keys, encrypt/decrypt,
//! signatures), KV v2 secrets, and a health probe. Every failure is a [`VaultError`] whose
//! `Display` is safe to show and whose cause never contains key material or plaintext.
//!
//! Not here: envelope encryption and data-key caching (`tp-crypto`), and Vault's own setup
//! (mounts, policies, roles), which `infra/dev/deps` and the deployment own;
//! [`Vault::enable_secrets_engine`] exists only for throwaway test servers.

mod client;
mod error;
mod kv;
mod renewal;
mod session;
mod transit;

pub use client::Vault;
pub use error::{Cause, VaultError};
pub use transit::{DataKey, PublicKeyVersion, SigningKeyType};

use tp_ids::TenantId;

/// Name of a tenant's transit key, `tenant-<uuid>` (docs/dev-environment.md: policies match
/// `transit/*/tenant-*`). Identity creates it when the tenant is created and deletes it to
/// crypto-shred the tenant; every other service only uses it.
pub fn tenant_key_name(tenant: &TenantId) -> String {
    format!("tenant-{tenant}")
}
