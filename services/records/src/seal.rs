//! Demographics to ciphertexts and back, one `tp_crypto` envelope per column, each bound to
//! (practice, `records.clients`, column, client id): a value copied to another client's row,
//! another column or another practice does not decrypt, it fails. [`NoteSeal`] does the
//! same for a progress note's body (sections and SUD flag), bound to the note's id.
//!
//! Dates are stored as ISO strings and the emergency contact as a JSON document, so the
//! ciphertext format never depends on a Rust type's layout.

use std::collections::BTreeMap;

use anyhow::anyhow;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tp_crypto::{FieldContext, Keyring};
use tp_ids::{TenantId, UserId};
use tp_records_api::chart::{Demographics, EmergencyContact};

use crate::db::clients::SealedDemographics;
use crate::error::Error;

const TABLE: &str = "records.clients";

/// Encrypts and decrypts the columns of one client's row.
pub struct RowSeal<'a> {
    pub keyring: &'a Keyring,
    pub tenant: TenantId,
    pub client: UserId,
}

impl RowSeal<'_> {
    async fn seal(&self, column: &str, plaintext: &[u8]) -> Result<Vec<u8>, Error> {
        let field = FieldContext::new(TABLE, column, self.client);
        Ok(self.keyring.encrypt(&self.tenant, &field, plaintext).await?)
    }

    async fn seal_opt(&self, column: &str, plaintext: Option<&[u8]>) -> Result<Option<Vec<u8>>, Error> {
        match plaintext {
            Some(plaintext) => Ok(Some(self.seal(column, plaintext).await?)),
            None => Ok(None),
        }
    }

    async fn open(&self, column: &str, ciphertext: &[u8]) -> Result<String, Error> {
        let field = FieldContext::new(TABLE, column, self.client);
        let plaintext = self.keyring.decrypt(&self.tenant, &field, ciphertext).await?;
        String::from_utf8(plaintext.to_vec()).map_err(|_| Error::Internal(anyhow!("{column} is not UTF-8")))
    }

    async fn open_opt(&self, column: &str, ciphertext: Option<&[u8]>) -> Result<Option<String>, Error> {
        match ciphertext {
            Some(ciphertext) => Ok(Some(self.open(column, ciphertext).await?)),
            None => Ok(None),
        }
    }

    pub async fn seal_demographics(&self, d: &Demographics) -> Result<SealedDemographics, Error> {
        let born = d.date_of_birth.map(|date| date.to_string());
        let contact = match &d.emergency_contact {
            Some(contact) => Some(serde_json::to_vec(contact).map_err(|e| Error::Internal(e.into()))?),
            None => None,
        };
        Ok(SealedDemographics {
            legal_name: self.seal("legal_name", d.legal_name.as_bytes()).await?,
            preferred_name: self.seal_opt("preferred_name", d.preferred_name.as_deref().map(str::as_bytes)).await?,
            date_of_birth: self.seal_opt("date_of_birth", born.as_deref().map(str::as_bytes)).await?,
            phone: self.seal_opt("phone", d.phone.as_deref().map(str::as_bytes)).await?,
            email: self.seal_opt("email", d.email.as_deref().map(str::as_bytes)).await?,
            address: self.seal_opt("address", d.address.as_deref().map(str::as_bytes)).await?,
            emergency_contact: self.seal_opt("emergency_contact", contact.as_deref()).await?,
        })
    }

    pub async fn open_demographics(&self, row: &SealedDemographics) -> Result<Demographics, Error> {
        let contact = match self.open_opt("emergency_contact", row.emergency_contact.as_deref()).await? {
            Some(json) => Some(
                serde_json::from_str::<EmergencyContact>(&json)
                    .map_err(|_| Error::Internal(anyhow!("emergency_contact is not a contact")))?,
            ),
            None => None,
        };
        Ok(Demographics {
            legal_name: self.open("legal_name", &row.legal_name).await?,
            preferred_name: self.open_opt("preferred_name", row.preferred_name.as_deref()).await?,
            date_of_birth: self.open_date(row.date_of_birth.as_deref()).await?,
            phone: self.open_opt("phone", row.phone.as_deref()).await?,
            email: self.open_opt("email", row.email.as_deref()).await?,
            address: self.open_opt("address", row.address.as_deref()).await?,
            emergency_contact: contact,
        })
    }

    pub async fn open_date(&self, ciphertext: Option<&[u8]>) -> Result<Option<NaiveDate>, Error> {
        match self.open_opt("date_of_birth", ciphertext).await? {
            Some(text) => Ok(Some(text.parse().map_err(|_| Error::Internal(anyhow!("date_of_birth is not a date")))?)),
            None => Ok(None),
        }
    }

    pub async fn open_legal_name(&self, ciphertext: &[u8]) -> Result<String, Error> {
        self.open("legal_name", ciphertext).await
    }
}

/// A note's body: its sections and its SUD flag as one JSON document, bound to (practice,
/// `records.notes`, `body`, note id), so a body copied to another note does not decrypt.
///
/// The flag lives inside the envelope, never in a column of its own: a plaintext flag, or
/// even a row that exists only for flagged notes, would say "this client has a substance use
/// disorder record", which 42 CFR Part 2 protects as much as the record itself.
pub struct NoteSeal<'a> {
    pub keyring: &'a Keyring,
    pub tenant: TenantId,
    pub note: uuid::Uuid,
}

/// What a note's body holds once opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteBody {
    pub sections: BTreeMap<String, String>,
    /// A substance use disorder record (42 CFR Part 2). Not part of the signed content hash.
    pub sud: bool,
}

/// A stored body: the envelope above, or (bodies written before the SUD flag) the bare
/// sections map, which opens as not flagged. A bare map never has a `sections` key that is a
/// map (section names are the template's, and their values are strings), so the two shapes
/// cannot be confused.
#[derive(Deserialize)]
#[serde(untagged)]
enum Stored {
    Current(NoteBody),
    Bare(BTreeMap<String, String>),
}

impl NoteSeal<'_> {
    pub async fn seal(&self, body: &NoteBody) -> Result<Vec<u8>, Error> {
        let json = serde_json::to_vec(body).map_err(|e| Error::Internal(e.into()))?;
        let field = FieldContext::new("records.notes", "body", self.note);
        Ok(self.keyring.encrypt(&self.tenant, &field, &json).await?)
    }

    pub async fn open(&self, ciphertext: &[u8]) -> Result<NoteBody, Error> {
        let field = FieldContext::new("records.notes", "body", self.note);
        let plaintext = self.keyring.decrypt(&self.tenant, &field, ciphertext).await?;
        parse_note_body(&plaintext)
    }
}

fn parse_note_body(json: &[u8]) -> Result<NoteBody, Error> {
    match serde_json::from_slice(json) {
        Ok(Stored::Current(body)) => Ok(body),
        Ok(Stored::Bare(sections)) => Ok(NoteBody { sections, sud: false }),
        Err(_) => Err(Error::Internal(anyhow!("a note body is not sections"))),
    }
}

/// One text value bound to (practice, `table`, `column`, row id): a psychotherapy note's
/// text, a break-glass reason. Copied to another row it does not decrypt.
pub struct TextSeal<'a> {
    pub keyring: &'a Keyring,
    pub tenant: TenantId,
    pub table: &'static str,
    pub column: &'static str,
    pub row: uuid::Uuid,
}

impl TextSeal<'_> {
    pub async fn seal(&self, text: &str) -> Result<Vec<u8>, Error> {
        let field = FieldContext::new(self.table, self.column, self.row);
        Ok(self.keyring.encrypt(&self.tenant, &field, text.as_bytes()).await?)
    }

    pub async fn open(&self, ciphertext: &[u8]) -> Result<String, Error> {
        let field = FieldContext::new(self.table, self.column, self.row);
        let plaintext = self.keyring.decrypt(&self.tenant, &field, ciphertext).await?;
        String::from_utf8(plaintext.to_vec()).map_err(|_| Error::Internal(anyhow!("{} is not UTF-8", self.column)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_opens_with_its_flag_and_an_old_bare_sections_map_opens_unflagged() {
        let sections = BTreeMap::from([("plan".to_owned(), "weekly".to_owned())]);
        let current = NoteBody { sections: sections.clone(), sud: true };
        assert_eq!(parse_note_body(&serde_json::to_vec(&current).unwrap()).unwrap(), current);
        let old = serde_json::to_vec(&sections).unwrap();
        assert_eq!(parse_note_body(&old).unwrap(), NoteBody { sections, sud: false });
        assert!(parse_note_body(b"[1]").is_err());
    }
}
