//! What the disclosure tables keep sealed, one JSON envelope per column (`crate::seal`'s
//! [`RowSeal`]): an authorization's terms, a restriction's request and its review's
//! reason, a disclosure's record. Plaintext columns hold ids, times and states only.

use serde::{Deserialize, Serialize};
use tp_consent_api::disclosure::{Category, ExpiryEvent, Recipient};
use tp_consent_api::templates::DocumentKind;
use tp_ids::{TenantId, UserId};
use uuid::Uuid;

use crate::seal::RowSeal;
use crate::state::AppState;

/// An authorization's `terms`. `kind` is the kind of the signed document it rests on, kept
/// so a decision can hold rule 3 (special categories from their own documents) by itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Terms {
    pub kind: DocumentKind,
    pub recipient: Recipient,
    pub categories: Vec<Category>,
    pub purpose: String,
    pub expires_on: Option<ExpiryEvent>,
}

/// A restriction's `request`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request {
    pub categories: Vec<Category>,
    pub recipient: Option<Recipient>,
    pub description: String,
}

/// A restriction's `review`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Review {
    pub reason: String,
}

/// A disclosure's `record`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    pub recipient: Recipient,
    pub categories: Vec<Category>,
    pub authorization_ids: Vec<Uuid>,
    pub purpose: String,
    pub channel: String,
}

/// The seal of `table.column` of the client's row `row`.
pub fn seal<'a>(
    state: &'a AppState,
    tenant: TenantId,
    (table, column): (&'static str, &'static str),
    (client, row): (UserId, Uuid),
) -> RowSeal<'a> {
    RowSeal { keyring: &state.keyring, tenant, table, column, client, row }
}

pub const TERMS: (&str, &str) = ("consent.authorizations", "terms");
pub const REQUEST: (&str, &str) = ("consent.restrictions", "request");
pub const REVIEW: (&str, &str) = ("consent.restrictions", "review");
pub const RECORD: (&str, &str) = ("consent.disclosures", "record");
