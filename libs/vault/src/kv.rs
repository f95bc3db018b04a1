//! KV v2 operations on [`Vault`]: a service's own configuration secrets under
//! `<kv mount>/data/<service>/...` (policies confine each service to its subtree).
//!
//! Values are JSON documents. Versions and soft deletion are not exposed: nothing in the
//! platform needs them yet. Deletion is always permanent ([`Vault::kv_delete`]).

use serde_json::Value;

use crate::client::Vault;
use crate::error::VaultError;

impl Vault {
    /// Writes `value` (a JSON object) as the new version of the secret at `path`.
    pub async fn kv_put(&self, path: &str, value: &Value) -> Result<(), VaultError> {
        let mount = &self.inner.kv_mount;
        self.call(|client| async move { vaultrs::kv2::set(&*client, mount, path, value).await }).await?;
        Ok(())
    }

    /// Reads the latest version of the secret at `path`; `None` when there is none.
    pub async fn kv_get(&self, path: &str) -> Result<Option<Value>, VaultError> {
        let mount = &self.inner.kv_mount;
        match self.call(|client| async move { vaultrs::kv2::read::<Value>(&*client, mount, path).await }).await {
            Ok(value) => Ok(Some(value)),
            Err(VaultError::NotFound(_)) => Ok(None),
            Err(other) => Err(other),
        }
    }

    /// Deletes the secret at `path` permanently: every version and its metadata, so nothing
    /// is left to undelete (a plain KV v2 delete only hides the latest version). `Ok` when
    /// there was nothing to delete.
    pub async fn kv_delete(&self, path: &str) -> Result<(), VaultError> {
        let mount = &self.inner.kv_mount;
        match self.call(|client| async move { vaultrs::kv2::delete_metadata(&*client, mount, path).await }).await {
            Ok(()) | Err(VaultError::NotFound(_)) => Ok(()),
            Err(other) => Err(other),
        }
    }
}
