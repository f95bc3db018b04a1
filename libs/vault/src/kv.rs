//! KV v2 operations on [`Vault`]: a service's own configuration secrets under
//! `<kv mount>/data/<service>/...` (policies confine each service to its subtree).
//!
//! Values are JSON documents. Versions, metadata and soft deletion are not exposed: nothing
//! in the platform needs them yet.

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
}
