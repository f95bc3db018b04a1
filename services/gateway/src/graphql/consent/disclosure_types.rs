//! The schema's types for disclosure: categories, recipients (one flat object with a kind,
//! since GraphQL inputs cannot be unions), authorizations, restrictions, decisions and the
//! accounting of disclosures, converted to and from `tp_consent_api::disclosure`.

use async_graphql::{Enum, ID, InputObject, SimpleObject};
use chrono::{DateTime, Utc};
use tp_consent_api::disclosure as wire;

use crate::graphql::error::GqlError;
use crate::graphql::ids;

/// A category of a client's record. `PSYCHOTHERAPY_NOTES` is granted only by a signed
/// psychotherapy-notes authorization, `SUD_RECORDS` only by a signed Part 2 consent.
/// `SUD_RECORDS` is a sensitivity grant: an item flagged as a substance use disorder record
/// is disclosed only when both its own category and `SUD_RECORDS` are permitted.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "tp_consent_api::disclosure::Category")]
pub enum DisclosureCategory {
    Demographics,
    Appointments,
    Diagnoses,
    Medications,
    TreatmentPlan,
    ProgressNotes,
    Assessments,
    Documents,
    PsychotherapyNotes,
    SudRecords,
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum RecipientKind {
    /// A practice on the platform: any of its clinicians.
    Practice,
    /// One clinician of a practice on the platform.
    Clinician,
    /// Someone outside the platform, known by their email.
    Outside,
}

/// Who receives: `PRACTICE` needs `tenantId`; `CLINICIAN` `tenantId` and `userId`; `OUTSIDE`
/// `name` and `email` (and optionally `organisation`).
#[derive(InputObject)]
pub struct RecipientInput {
    pub kind: RecipientKind,
    pub tenant_id: Option<ID>,
    pub user_id: Option<ID>,
    pub name: Option<String>,
    pub organisation: Option<String>,
    pub email: Option<String>,
}

impl TryFrom<RecipientInput> for wire::Recipient {
    type Error = GqlError;

    fn try_from(input: RecipientInput) -> Result<Self, GqlError> {
        let missing = |what: &str| GqlError::bad_input(format!("a {what} recipient needs its {what} fields"));
        let tenant = |id: &Option<ID>| id.as_ref().map(ids::tenant_id).transpose();
        Ok(match input.kind {
            RecipientKind::Practice => {
                wire::Recipient::Practice { tenant_id: tenant(&input.tenant_id)?.ok_or_else(|| missing("practice"))? }
            }
            RecipientKind::Clinician => wire::Recipient::Clinician {
                tenant_id: tenant(&input.tenant_id)?.ok_or_else(|| missing("clinician"))?,
                user_id: ids::user_id(input.user_id.as_ref().ok_or_else(|| missing("clinician"))?)?,
            },
            RecipientKind::Outside => wire::Recipient::Outside {
                name: input.name.ok_or_else(|| missing("outside"))?,
                organisation: input.organisation,
                email: input.email.ok_or_else(|| missing("outside"))?,
            },
        })
    }
}

/// A recipient as answered: the fields of its kind are set, the others null.
#[derive(SimpleObject)]
pub struct Recipient {
    pub kind: RecipientKind,
    pub tenant_id: Option<ID>,
    pub user_id: Option<ID>,
    pub name: Option<String>,
    pub organisation: Option<String>,
    pub email: Option<String>,
}

impl From<wire::Recipient> for Recipient {
    fn from(r: wire::Recipient) -> Self {
        let id = |s: String| Some(ID(s));
        let empty = Self {
            kind: RecipientKind::Outside,
            tenant_id: None,
            user_id: None,
            name: None,
            organisation: None,
            email: None,
        };
        match r {
            wire::Recipient::Practice { tenant_id } => {
                Self { kind: RecipientKind::Practice, tenant_id: id(tenant_id.to_string()), ..empty }
            }
            wire::Recipient::Clinician { tenant_id, user_id } => Self {
                kind: RecipientKind::Clinician,
                tenant_id: id(tenant_id.to_string()),
                user_id: id(user_id.to_string()),
                ..empty
            },
            wire::Recipient::Outside { name, organisation, email } => {
                Self { name: Some(name), organisation, email: Some(email), ..empty }
            }
        }
    }
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "tp_consent_api::disclosure::ExpiryEvent")]
pub enum ExpiryEvent {
    /// The transfer made under the authorization has been downloaded.
    TransferCompleted,
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "tp_consent_api::disclosure::AuthorizationStatus")]
pub enum AuthorizationStatus {
    Active,
    Expired,
    Revoked,
}

/// The client's authorization: from a signed document (`signatureId`), to a recipient, for
/// categories, for a purpose, until a date or an event.
#[derive(InputObject)]
pub struct AuthorizationInput {
    pub signature_id: ID,
    pub recipient: RecipientInput,
    pub categories: Vec<DisclosureCategory>,
    pub purpose: String,
    pub expires_at: Option<DateTime<Utc>>,
    pub expires_on: Option<ExpiryEvent>,
}

#[derive(SimpleObject)]
pub struct DisclosureAuthorization {
    pub id: ID,
    pub client_id: ID,
    pub signature_id: ID,
    pub recipient: Recipient,
    pub categories: Vec<DisclosureCategory>,
    pub purpose: String,
    pub expires_at: Option<DateTime<Utc>>,
    pub expires_on: Option<ExpiryEvent>,
    pub status: AuthorizationStatus,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<wire::Authorization> for DisclosureAuthorization {
    fn from(a: wire::Authorization) -> Self {
        Self {
            id: ID(a.id.to_string()),
            client_id: ID(a.client_id.to_string()),
            signature_id: ID(a.signature_id.to_string()),
            recipient: a.recipient.into(),
            categories: categories(a.categories),
            purpose: a.purpose,
            expires_at: a.expires_at,
            expires_on: a.expires_on.map(Into::into),
            status: a.status.into(),
            created_at: a.created_at,
            revoked_at: a.revoked_at,
        }
    }
}

/// What the client asks not to be disclosed: categories (none: all), to one recipient or to
/// anyone, and why.
#[derive(InputObject)]
pub struct RestrictionInput {
    pub categories: Vec<DisclosureCategory>,
    pub recipient: Option<RecipientInput>,
    pub description: String,
}

#[derive(InputObject)]
pub struct RestrictionReviewInput {
    pub accept: bool,
    pub reason: String,
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "tp_consent_api::disclosure::RestrictionStatus")]
pub enum RestrictionStatus {
    Requested,
    Accepted,
    Declined,
}

#[derive(SimpleObject)]
pub struct DisclosureRestriction {
    pub id: ID,
    pub client_id: ID,
    pub categories: Vec<DisclosureCategory>,
    pub recipient: Option<Recipient>,
    pub description: String,
    pub status: RestrictionStatus,
    pub reason: Option<String>,
    pub reviewed_by: Option<ID>,
    pub created_at: DateTime<Utc>,
    pub reviewed_at: Option<DateTime<Utc>>,
}

impl From<wire::Restriction> for DisclosureRestriction {
    fn from(r: wire::Restriction) -> Self {
        Self {
            id: ID(r.id.to_string()),
            client_id: ID(r.client_id.to_string()),
            categories: categories(r.categories),
            recipient: r.recipient.map(Into::into),
            description: r.description,
            status: r.status.into(),
            reason: r.reason,
            reviewed_by: r.reviewed_by.map(|u| ID(u.to_string())),
            created_at: r.created_at,
            reviewed_at: r.reviewed_at,
        }
    }
}

#[derive(InputObject)]
pub struct DecisionInput {
    pub recipient: RecipientInput,
    pub categories: Vec<DisclosureCategory>,
}

/// One authorization a decision relies on, and the categories it permits here.
#[derive(SimpleObject)]
pub struct DisclosureGrant {
    pub authorization_id: ID,
    pub categories: Vec<DisclosureCategory>,
}

/// Permit or deny: the categories that may go now, those that may not, and the
/// authorizations relied on.
#[derive(SimpleObject)]
pub struct DisclosureDecision {
    pub permit: bool,
    pub categories: Vec<DisclosureCategory>,
    pub denied: Vec<DisclosureCategory>,
    pub grants: Vec<DisclosureGrant>,
}

impl From<wire::Decision> for DisclosureDecision {
    fn from(d: wire::Decision) -> Self {
        Self {
            permit: d.permit,
            categories: categories(d.categories),
            denied: categories(d.denied),
            grants: d
                .grants
                .into_iter()
                .map(|g| DisclosureGrant {
                    authorization_id: ID(g.authorization_id.to_string()),
                    categories: categories(g.categories),
                })
                .collect(),
        }
    }
}

/// A disclosure made outside the platform, recorded by the practice.
#[derive(InputObject)]
pub struct DisclosureInput {
    pub recipient: RecipientInput,
    pub categories: Vec<DisclosureCategory>,
    /// How it was sent ("by post"), 1–200 characters.
    pub channel: String,
}

/// One line of the accounting of disclosures.
#[derive(SimpleObject)]
pub struct Disclosure {
    pub id: ID,
    pub client_id: ID,
    pub recipient: Recipient,
    pub categories: Vec<DisclosureCategory>,
    pub authorization_ids: Vec<ID>,
    pub purpose: String,
    pub channel: String,
    pub disclosed_by: ID,
    pub disclosed_at: DateTime<Utc>,
}

impl From<wire::Disclosure> for Disclosure {
    fn from(d: wire::Disclosure) -> Self {
        Self {
            id: ID(d.id.to_string()),
            client_id: ID(d.client_id.to_string()),
            recipient: d.recipient.into(),
            categories: categories(d.categories),
            authorization_ids: d.authorization_ids.into_iter().map(|a| ID(a.to_string())).collect(),
            purpose: d.purpose,
            channel: d.channel,
            disclosed_by: ID(d.disclosed_by.to_string()),
            disclosed_at: d.disclosed_at,
        }
    }
}

pub fn categories(list: Vec<wire::Category>) -> Vec<DisclosureCategory> {
    list.into_iter().map(Into::into).collect()
}

pub fn wire_categories(list: Vec<DisclosureCategory>) -> Vec<wire::Category> {
    list.into_iter().map(Into::into).collect()
}
