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
//! Concurrent misses for the same key share one Vault call and its outcome
//! ([`crate::inflight`]): per tenant when sealing, per (tenant, wrapped key) when opening,
//! since a page of rows typically shares one wrapped key. A failing or hanging Vault thus
//! costs every waiter one call's time, not one call each in turn.
//!
//! Not here: the byte format and AEAD ([`crate::envelope`]), cache policy
//! ([`crate::cache`]), and creating or deleting tenant keys (identity, through `tp-vault`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use tp_config::{ConfigError, CryptoSettings};
use tp_ids::TenantId;
use tp_vault::{Vault, tenant_key_name};
use zeroize::Zeroizing;

use crate::cache::KeyCache;
use crate::envelope::{self, Envelope, FieldContext, FieldKey};
use crate::error::{CryptoError, VaultOp};
use crate::inflight::Inflight;

type KeyResult = Result<Arc<FieldKey>, CryptoError>;

/// Encrypts and decrypts tenant fields. Cheap to clone; clones share the cache.
#[derive(Clone)]
pub struct Keyring {
    inner: Arc<Inner>,
}

struct Inner {
    vault: Vault,
    cache: Mutex<KeyCache>,
    /// Data-key requests in flight, one per tenant.
    sealing: Inflight<TenantId, KeyResult>,
    /// Unwraps in flight, one per (tenant, wrapped key).
    opening: Inflight<(TenantId, Box<str>), KeyResult>,
    vault_calls: AtomicU64,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring").field("vault_calls", &self.vault_calls()).finish_non_exhaustive()
    }
}

impl Keyring {
    /// `vault` must be allowed `datakey/plaintext` and `decrypt` on `transit/*/tenant-*`.
    /// Fails when `settings` are out of range ([`CryptoSettings::validate`]).
    pub fn new(vault: Vault, settings: &CryptoSettings) -> Result<Self, ConfigError> {
        settings.validate()?;
        let ttl = Duration::from_secs(settings.data_key_ttl_secs);
        let cache = KeyCache::new(ttl, settings.data_key_cache_capacity, Instant::now());
        Ok(Self {
            inner: Arc::new(Inner {
                vault,
                cache: Mutex::new(cache),
                sealing: Inflight::new(),
                opening: Inflight::new(),
                vault_calls: AtomicU64::new(0),
            }),
        })
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
            None => self.inner.sealing.run(*tenant, || self.generate_sealing_key(tenant)).await?,
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
        let wrapped = envelope.wrapped_key();
        let cached = self.cache().opening_key(tenant, wrapped, Instant::now());
        let key = match cached {
            Some(key) => key,
            None => self.inner.opening.run((*tenant, wrapped.into()), || self.unwrap_key(tenant, wrapped)).await?,
        };
        envelope::open(&key, tenant, field, &envelope)
    }

    /// Number of Vault calls attempted (data keys requested plus data keys unwrapped, failed
    /// ones included) by this keyring and its clones. For tests and metrics: the cache works
    /// when this stays flat.
    pub fn vault_calls(&self) -> u64 {
        self.inner.vault_calls.load(Ordering::Relaxed)
    }

    /// Drops (and wipes) every cached data key: the next operations go to Vault. For tests,
    /// and for operators after a key rotation or a suspected compromise.
    pub fn clear_cache(&self) {
        self.cache().clear();
    }

    /// Drops (and wipes) every cached data key of `tenant`, for sealing and for opening, so
    /// this process can no longer read its data without Vault. Offboarding calls it after
    /// deleting the tenant's transit key; a request for the tenant already in flight
    /// completes with the key it fetched but does not cache it.
    pub fn forget_tenant(&self, tenant: &TenantId) {
        self.cache().forget_tenant(tenant);
    }

    fn cache(&self) -> MutexGuard<'_, KeyCache> {
        // A panic while holding the lock cannot leave the maps half-updated in a way that
        // matters (worst case: a missing entry), so a poisoned lock is still usable.
        self.inner.cache.lock().unwrap_or_else(PoisonError::into_inner)
    }

    #[tracing::instrument(skip_all, fields(tenant = %tenant))]
    async fn generate_sealing_key(&self, tenant: &TenantId) -> KeyResult {
        let generation = {
            let mut cache = self.cache();
            // A call that finished just before ours started may have filled the cache.
            if let Some(key) = cache.sealing_key(tenant, Instant::now()) {
                return Ok(key);
            }
            cache.generation()
        };
        self.inner.vault_calls.fetch_add(1, Ordering::Relaxed);
        let data_key = self
            .inner
            .vault
            .generate_data_key(&tenant_key_name(tenant))
            .await
            .map_err(|e| CryptoError::from_vault(e, VaultOp::DataKey))?;
        let key = Arc::new(FieldKey::new(&data_key.plaintext, &data_key.wrapped)?);
        self.cache().insert_sealing(*tenant, Arc::clone(&key), Instant::now(), generation);
        Ok(key)
    }

    #[tracing::instrument(skip_all, fields(tenant = %tenant))]
    async fn unwrap_key(&self, tenant: &TenantId, wrapped: &str) -> KeyResult {
        let generation = {
            let mut cache = self.cache();
            if let Some(key) = cache.opening_key(tenant, wrapped, Instant::now()) {
                return Ok(key);
            }
            cache.generation()
        };
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
        self.cache().insert_opening(*tenant, Arc::clone(&key), Instant::now(), generation);
        Ok(key)
    }
}
