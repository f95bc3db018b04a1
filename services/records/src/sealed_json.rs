//! [`JsonSeal`]: one value serialised as JSON and sealed as one `tp_crypto` envelope bound to
//! (practice, table, column, row id), for the clinical chart's documents (a diagnosis, a
//! medication, a treatment plan, an amendment request and its reason). A ciphertext copied to
//! another row, column or practice does not decrypt: it fails.
//!
//! Not here: demographics and note bodies (`seal`), which predate it and keep their format.

use anyhow::anyhow;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tp_crypto::{FieldContext, Keyring};
use tp_ids::TenantId;
use uuid::Uuid;

use crate::error::Error;

pub struct JsonSeal<'a> {
    pub keyring: &'a Keyring,
    pub tenant: TenantId,
    /// Schema-qualified table, e.g. `records.diagnoses`.
    pub table: &'static str,
    pub column: &'static str,
    /// The row the value belongs to (the client's id for a one-per-client row).
    pub row: Uuid,
}

impl JsonSeal<'_> {
    fn field(&self) -> FieldContext<'static> {
        FieldContext::new(self.table, self.column, self.row)
    }

    pub async fn seal<T: Serialize>(&self, value: &T) -> Result<Vec<u8>, Error> {
        let json = serde_json::to_vec(value).map_err(|e| Error::Internal(e.into()))?;
        Ok(self.keyring.encrypt(&self.tenant, &self.field(), &json).await?)
    }

    pub async fn open<T: DeserializeOwned>(&self, ciphertext: &[u8]) -> Result<T, Error> {
        let plaintext = self.keyring.decrypt(&self.tenant, &self.field(), ciphertext).await?;
        serde_json::from_slice(&plaintext).map_err(|_| Error::Internal(anyhow!("a sealed document has another shape")))
    }
}
