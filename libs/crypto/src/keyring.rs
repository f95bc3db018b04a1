//! [`Keyring`]: envelope encryption of tenant fields with data keys from Vault transit,
//! cached so that the hot path never waits on Vault.
//!
//! Sealing uses one data key per tenant per TTL (transit `datakey/plaintext` under
//! `tenant-<uuid>`); opening unwraps the data key named in the ciphertext (transit
//! `decrypt`) and caches it by its wrapped form. The key just generated for sealing is put in
//! the opening cache too, so a service reading back what it wrote costs no Vault call. Net
//! effect: at most one Vault call per tenant per TTL for current data, plus one per older
//! data key still being read.
//!
//! Concurrent sealing misses for one tenant wait for a single Vault call (a per-tenant gate)
//! instead of each generating a key. Opening misses are not coalesced: they are spread over
//! many wrapped keys, and a duplicate unwrap is harmless.
//!
//! Not here: the byte format and AEAD ([`crate::envelope`]), cache policy
//! ([`crate::cache`]), and creating or deleting tenant keys (identity, through `tp-vault`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use tp_config::CryptoSettings;
use tp_ids::TenantId;
use tp_vault::{Vault, tenant_key_name};
use zeroize::Zeroizing;

use crate::cache::KeyCache;
use crate::envelope::{self, Envelope, FieldContext, FieldKey};
use crate::error::{CryptoError, VaultOp};

/// Encrypts and decrypts tenant fields. Cheap to clone; clones share the cache.
#[derive(Clone)]
pub struct Keyring {
    inner: Arc<Inner>,
}

struct Inner {
    vault: Vault,
    cache: Mutex<KeyCache>,
    /// One in-flight data-key request per tenant. An entry lives while someone holds or
    /// waits for it; a cancelled request's entry is removed by the next one for that tenant.
    gates: Mutex<HashMap<TenantId, Arc<tokio::sync::Mutex<()>>>>,
    vault_calls: AtomicU64,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring").field("vault_calls", &self.vault_calls()).finish_non_exhaustive()
    }
}

impl Keyring {
    /// `vault` must be allowed `datakey/plaintext` and `decrypt` on `transit/*/tenant-*`.
    pub fn new(vault: Vault, settings: &CryptoSettings) -> Self {
        let cache = KeyCache::new(Duration::from_secs(settings.data_key_ttl_secs), settings.data_key_cache_capacity);
        Self {
            inner: Arc::new(Inner {
                vault,
                cache: Mutex::new(cache),
                gates: Mutex::new(HashMap::new()),
                vault_calls: AtomicU64::new(0),
            }),
        }
    }

    /// Encrypts `plaintext` for `tenant`, bound to `field` (see [`crate::envelope`]).
    pub async fn encrypt(
        &self,
        tenant: &TenantId,
        field: &FieldContext<'_>,
        plaintext: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        // Bound first: a guard in a `match` scrutinee would live across the await below.
        let cached = self.cache().sealing_key(tenant, Instant::now());
        let key = match cached {
            Some(key) => key,
            None => self.new_sealing_key(tenant).await?,
        };
        envelope::seal(&key, tenant, field, plaintext)
    }

    /// Decrypts a value [`Keyring::encrypt`] produced for the same `tenant` and `field`.
    pub async fn decrypt(
        &self,
        tenant: &TenantId,
        field: &FieldContext<'_>,
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        let envelope = Envelope::parse(ciphertext)?;
        let cached = self.cache().opening_key(tenant, envelope.wrapped_key(), Instant::now());
        let key = match cached {
            Some(key) => key,
            None => self.unwrap_key(tenant, envelope.wrapped_key()).await?,
        };
        envelope::open(&key, tenant, field, &envelope)
    }

    /// Number of Vault calls (data keys generated plus data keys unwrapped) made by this
    /// keyring and its clones. For tests and metrics: the cache works when this stays flat.
    pub fn vault_calls(&self) -> u64 {
        self.inner.vault_calls.load(Ordering::Relaxed)
    }

    /// Drops (and wipes) every cached data key: the next operations go to Vault. For tests,
    /// and for operators after a key rotation or a suspected compromise.
    pub fn clear_cache(&self) {
        self.cache().clear();
    }

    fn cache(&self) -> MutexGuard<'_, KeyCache> {
        // A panic while holding the lock cannot leave the maps half-updated in a way that
        // matters (worst case: a missing entry), so a poisoned lock is still usable.
        self.inner.cache.lock().unwrap_or_else(PoisonError::into_inner)
    }

    async fn new_sealing_key(&self, tenant: &TenantId) -> Result<Arc<FieldKey>, CryptoError> {
        let gate = Arc::clone(self.gates().entry(*tenant).or_default());
        let turn = gate.lock().await;
        let result = self.generate_sealing_key(tenant).await;
        drop(turn);
        let mut gates = self.gates();
        // Ours and the map's: nobody else is waiting, so the gate can go.
        if Arc::strong_count(&gate) <= 2 {
            gates.remove(tenant);
        }
        result
    }

    #[tracing::instrument(skip_all, fields(tenant = %tenant))]
    async fn generate_sealing_key(&self, tenant: &TenantId) -> Result<Arc<FieldKey>, CryptoError> {
        // Whoever held the gate before us may have filled the cache already.
        let cached = self.cache().sealing_key(tenant, Instant::now());
        if let Some(key) = cached {
            return Ok(key);
        }
        self.inner.vault_calls.fetch_add(1, Ordering::Relaxed);
        let data_key = self
            .inner
            .vault
            .generate_data_key(&tenant_key_name(tenant))
            .await
            .map_err(|e| CryptoError::from_vault(e, VaultOp::DataKey))?;
        let key = Arc::new(FieldKey::new(&data_key.plaintext, &data_key.wrapped)?);
        self.cache().insert_sealing(*tenant, Arc::clone(&key), Instant::now());
        Ok(key)
    }

    #[tracing::instrument(skip_all, fields(tenant = %tenant))]
    async fn unwrap_key(&self, tenant: &TenantId, wrapped: &str) -> Result<Arc<FieldKey>, CryptoError> {
        self.inner.vault_calls.fetch_add(1, Ordering::Relaxed);
        let plaintext = self
            .inner
            .vault
            .decrypt(&tenant_key_name(tenant), wrapped)
            .await
            .map_err(|e| CryptoError::from_vault(e, VaultOp::Unwrap))?;
        // Unwrapped under the tenant's key but not a data key: a transit ciphertext of
        // something else was planted in the header.
        let bytes = <&[u8; 32]>::try_from(plaintext.as_slice()).map_err(|_| CryptoError::DecryptFailed(None))?;
        let key = Arc::new(FieldKey::new(bytes, wrapped)?);
        self.cache().insert_opening(*tenant, Arc::clone(&key), Instant::now());
        Ok(key)
    }

    fn gates(&self) -> MutexGuard<'_, HashMap<TenantId, Arc<tokio::sync::Mutex<()>>>> {
        self.inner.gates.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
