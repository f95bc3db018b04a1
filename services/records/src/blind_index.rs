//! [`BlindIndex`]: the searchable stand-in for a client's legal name, HMAC-SHA256 of the
//! normalised name ([`SearchName`]) under a key of the practice's own.
//!
//! The key is 32 random bytes from Vault transit (`datakey/plaintext` under the practice's
//! `tenant-<uuid>` key), kept in Vault KV at `records/<tenant>/blind-index` only in its
//! *wrapped* form: it unwraps with the practice's transit key, so crypto-shredding the
//! practice (deleting that key) makes its index keys unrecoverable too. Created on first
//! use, under a PostgreSQL advisory lock so that two instances cannot create two different
//! keys for one practice (the index of every row must use the same key); then cached in
//! memory for the life of the process.
//!
//! Not here: rotating the key (it would mean recomputing every row's index; no operation
//! needs it yet), and any fuzzy or prefix matching (a blind index gives exact match only).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::anyhow;
use ring::hmac;
use sea_orm::{ConnectionTrait as _, DatabaseConnection, TransactionTrait as _};
use serde_json::json;
use tp_ids::TenantId;
use tp_vault::{Vault, tenant_key_name};

use crate::db::stmt;
use crate::domain::name::SearchName;
use crate::error::Error;

/// Computes blind indexes; cheap to clone (clones share the key cache).
#[derive(Clone)]
pub struct BlindIndex {
    vault: Vault,
    db: DatabaseConnection,
    keys: Arc<Mutex<HashMap<TenantId, Arc<hmac::Key>>>>,
}

impl BlindIndex {
    pub fn new(vault: Vault, db: DatabaseConnection) -> Self {
        Self { vault, db, keys: Arc::default() }
    }

    /// The 32-byte index of `name` in `tenant`'s practice.
    pub async fn compute(&self, tenant: TenantId, name: &SearchName) -> Result<Vec<u8>, Error> {
        let key = self.key(tenant).await?;
        Ok(hmac::sign(&key, name.as_bytes()).as_ref().to_vec())
    }

    async fn key(&self, tenant: TenantId) -> Result<Arc<hmac::Key>, Error> {
        let cached = self.keys.lock().unwrap_or_else(PoisonError::into_inner).get(&tenant).cloned();
        if let Some(key) = cached {
            return Ok(key);
        }
        let key = Arc::new(self.load_or_create(tenant).await?);
        self.keys.lock().unwrap_or_else(PoisonError::into_inner).insert(tenant, Arc::clone(&key));
        Ok(key)
    }

    #[tracing::instrument(skip_all, fields(tenant = %tenant))]
    async fn load_or_create(&self, tenant: TenantId) -> Result<hmac::Key, Error> {
        let path = format!("records/{tenant}/blind-index");
        if let Some(key) = self.load(tenant, &path).await? {
            return Ok(key);
        }
        // Serialised across instances: the loser of a race reads the winner's key.
        let tx = self.db.begin().await?;
        tx.execute_raw(stmt("select pg_advisory_xact_lock(hashtext($1))", [path.clone().into()])).await?;
        let key = match self.load(tenant, &path).await? {
            Some(key) => key,
            None => {
                let data_key = self.vault.generate_data_key(&tenant_key_name(&tenant)).await?;
                self.vault.kv_put(&path, &json!({ "wrapped": data_key.wrapped })).await?;
                hmac::Key::new(hmac::HMAC_SHA256, data_key.plaintext.as_slice())
            }
        };
        tx.commit().await?;
        Ok(key)
    }

    async fn load(&self, tenant: TenantId, path: &str) -> Result<Option<hmac::Key>, Error> {
        let Some(secret) = self.vault.kv_get(path).await? else {
            return Ok(None);
        };
        let wrapped = secret
            .get("wrapped")
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| Error::Internal(anyhow!("blind-index secret without its wrapped key")))?;
        let bytes = self.vault.decrypt(&tenant_key_name(&tenant), wrapped).await?;
        if bytes.len() != 32 {
            return Err(Error::Internal(anyhow!("blind-index key of the wrong length")));
        }
        Ok(Some(hmac::Key::new(hmac::HMAC_SHA256, &bytes)))
    }
}
