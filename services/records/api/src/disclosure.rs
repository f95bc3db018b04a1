//! Disclosure packages: the part of a client's record a disclosure may carry, exported by
//! records for a client-approved transfer and sealed so that only a service holding the
//! practice's key opens it (consent, when the recipient downloads).
//!
//! records asks consent's decision itself, with the caller's own token, and packages only
//! the categories permitted; `SudRecords` and `PsychotherapyNotes` work as
//! `tp_consent_api::disclosure::Category` says. The caller (the client, approving) never
//! reads the package: it holds psychotherapy notes, which a client has no right of access
//! to, and nothing in it is trusted from the caller: consent reads what it accounts from the
//! sealed [`PackageContents`], not from the caller.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tp_consent_api::disclosure::{Category, Grant, Recipient};
use uuid::Uuid;

/// The table and column a package is sealed for (`tp_crypto::FieldContext`, with the
/// package id as the row): consent's store of transfer packages. A package sealed for one
/// transfer does not open as another's.
pub const PACKAGE_TABLE: &str = "consent.transfer_packages";
pub const PACKAGE_COLUMN: &str = "contents";

/// `POST /internal/v1/tenants/{t}/clients/{c}/disclosure-packages` (the client, for
/// themself): package `categories` (at least one) of the record for `recipient`, as
/// `package_id` (the transfer's id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageRequest {
    pub package_id: Uuid,
    pub recipient: Recipient,
    pub categories: Vec<Category>,
}

/// The answer: what the package holds (the decision's permitted categories and the
/// authorizations behind them) and the package itself, sealed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    pub package_id: Uuid,
    pub categories: Vec<Category>,
    pub grants: Vec<Grant>,
    /// A `tp_crypto` envelope of [`PackageContents`] as JSON, under the practice's key,
    /// bound to [`PACKAGE_TABLE`], [`PACKAGE_COLUMN`] and `package_id`; standard base64.
    pub sealed: String,
}

/// What a sealed package holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageContents {
    pub package_id: Uuid,
    pub categories: Vec<Category>,
    pub grants: Vec<Grant>,
    /// A FHIR R4 Bundle of type `collection`: the permitted categories only, a Consent for
    /// each grant, and, when SUD records are in it, the Part 2 redisclosure notice.
    pub bundle: Value,
}
