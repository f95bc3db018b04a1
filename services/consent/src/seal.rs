//! A signed document to one ciphertext and back: template, version, kind, title, the exact
//! text and its hash, typed name, IP and user agent as one JSON document in one `tp_crypto`
//! envelope under the practice's key, bound to (practice, `consent.signatures`, `document`
//! and the client, signature id). Copied to another signature, client or practice it does
//! not decrypt: it fails, and the request answers 500 with nothing of it.
//!
//! Opening also checks that the text still hashes to the hash signed, so a document that
//! decrypts but disagrees with itself is never shown as signed.
//!
//! [`RowSeal`] does the same for the disclosure tables: an authorization's terms, a
//! restriction and its review, a line of the accounting, each one JSON envelope bound to
//! (practice, table, column and the client, row id).

use anyhow::anyhow;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tp_consent_api::templates::{DocumentKind, TemplateKey};
use tp_crypto::{FieldContext, Keyring};
use tp_ids::{TenantId, UserId};
use uuid::Uuid;

use crate::domain::template::sha256_hex;
use crate::error::Error;

const TABLE: &str = "consent.signatures";

/// What a signature holds beyond ids and time: PHI, sealed as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedDocument {
    pub template: TemplateKey,
    pub version: u32,
    pub kind: DocumentKind,
    pub title: String,
    pub text: String,
    pub text_sha256: String,
    pub typed_name: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// The binding of one signature's document.
pub struct DocumentSeal<'a> {
    pub keyring: &'a Keyring,
    pub tenant: TenantId,
    pub client: UserId,
    pub signature: Uuid,
}

impl DocumentSeal<'_> {
    fn column(&self) -> String {
        format!("document:{}", self.client)
    }

    pub async fn seal(&self, document: &SignedDocument) -> Result<Vec<u8>, Error> {
        let json = zeroize::Zeroizing::new(serde_json::to_vec(document).map_err(|e| Error::Internal(e.into()))?);
        let column = self.column();
        let field = FieldContext::new(TABLE, &column, self.signature);
        Ok(self.keyring.encrypt(&self.tenant, &field, &json).await?)
    }

    pub async fn open(&self, ciphertext: &[u8]) -> Result<SignedDocument, Error> {
        let column = self.column();
        let field = FieldContext::new(TABLE, &column, self.signature);
        let json = self.keyring.decrypt(&self.tenant, &field, ciphertext).await?;
        let document: SignedDocument =
            serde_json::from_slice(&json).map_err(|_| Error::Internal(anyhow!("a signed document is not one")))?;
        if sha256_hex(&document.text) != document.text_sha256 {
            return Err(Error::Internal(anyhow!("a signed document's text does not match its hash")));
        }
        Ok(document)
    }
}

/// The binding of one sealed column of one row of a disclosure table.
pub struct RowSeal<'a> {
    pub keyring: &'a Keyring,
    pub tenant: TenantId,
    /// `consent.authorizations`, `consent.restrictions` or `consent.disclosures`.
    pub table: &'static str,
    /// The column's name; the client is appended, so a value copied to another client's
    /// row does not decrypt.
    pub column: &'static str,
    pub client: UserId,
    pub row: Uuid,
}

impl RowSeal<'_> {
    fn column(&self) -> String {
        format!("{}:{}", self.column, self.client)
    }

    pub async fn seal<T: Serialize>(&self, value: &T) -> Result<Vec<u8>, Error> {
        let json = zeroize::Zeroizing::new(serde_json::to_vec(value).map_err(|e| Error::Internal(e.into()))?);
        let column = self.column();
        let field = FieldContext::new(self.table, &column, self.row);
        Ok(self.keyring.encrypt(&self.tenant, &field, &json).await?)
    }

    pub async fn open<T: DeserializeOwned>(&self, ciphertext: &[u8]) -> Result<T, Error> {
        let column = self.column();
        let field = FieldContext::new(self.table, &column, self.row);
        let json = self.keyring.decrypt(&self.tenant, &field, ciphertext).await?;
        serde_json::from_slice(&json).map_err(|_| Error::Internal(anyhow!("a sealed value is not of its shape")))
    }
}
