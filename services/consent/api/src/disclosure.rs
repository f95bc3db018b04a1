//! Disclosure: the client's authorizations (who may receive which categories of their
//! record, for what, until when), their restrictions, the decision every service asks for
//! before anything leaves the practice, and the accounting of disclosures the client reads.
//! Plain data: the rules (matching, intersection, expiry) are consent's.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tp_ids::{TenantId, UserId};
use uuid::Uuid;

/// A category of a client's record. `PsychotherapyNotes` is only ever granted by a signed
/// psychotherapy-notes authorization, `SudRecords` only by a signed 42 CFR Part 2 consent,
/// each in an authorization of its own.
///
/// What each holds in an export (records): `Demographics` the Patient's details (without
/// it the Patient is its id only); `Appointments` nothing yet (no scheduling); `Diagnoses`
/// Conditions; `Medications` MedicationStatements; `TreatmentPlan` the current CarePlan;
/// `ProgressNotes` signed notes with their Provenance; `Assessments` every form response
/// and score; `Documents` uploaded files; `PsychotherapyNotes` the psychotherapy notes.
/// `SudRecords` is a sensitivity grant, not a kind: an item flagged as a substance use
/// disorder record (42 CFR Part 2) goes only when both its own category and `SudRecords`
/// are permitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
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

/// The notice that must accompany each disclosure of SUD records made with the client's
/// consent (42 CFR 2.32(a)(1)), word for word as the built-in Part 2 consent quotes it.
pub const PART2_REDISCLOSURE_NOTICE: &str = "\
    This record which has been disclosed to you is protected by Federal confidentiality \
    rules (42 CFR part 2). These rules prohibit you from using or disclosing this \
    record, or testimony that describes the information contained in this record, in any \
    civil, criminal, administrative, or legislative proceedings by any Federal, State, \
    or local authority, against the patient, unless authorized by the consent of the \
    patient, except as provided at 42 CFR 2.12(c)(5) or as authorized by a court in \
    accordance with 42 CFR 2.64 or 2.65. In addition, the Federal rules prohibit you \
    from making any other use or disclosure of this record unless at least one of the \
    following applies: (i) Further use or disclosure is expressly permitted by the \
    written consent of the individual whose information is being disclosed in this \
    record or as otherwise permitted by 42 CFR part 2. (ii) You are a covered entity or \
    business associate and have received the record for treatment, payment, or health \
    care operations, or (iii) You have received the record from a covered entity or \
    business associate as permitted by 45 CFR part 164, subparts A and E. A general \
    authorization for the release of medical or other information is NOT sufficient to \
    meet the required elements of written consent to further use or redisclose the \
    record (see 42 CFR 2.31).";

/// Who receives. A practice on the platform covers its clinicians; a clinician is one
/// person of one practice; someone outside the platform is identified by their email (the
/// address a transfer link goes to), compared case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Recipient {
    Practice {
        tenant_id: TenantId,
    },
    Clinician {
        tenant_id: TenantId,
        user_id: UserId,
    },
    /// name 1–200 characters, organisation at most 200, email a valid address.
    Outside {
        name: String,
        organisation: Option<String>,
        email: String,
    },
}

/// An event that ends an authorization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpiryEvent {
    /// The transfer made under it has been downloaded.
    TransferCompleted,
}

/// `POST …/authorizations` (the client, for themself): the signed document that authorizes
/// (a release of information; a psychotherapy-notes authorization for `psychotherapy_notes`
/// alone; a Part 2 consent for `sud_records` alone), its recipient, categories (at least
/// one), purpose (1–500 characters), and an expiry: a date in the future, an event, or both
/// (whichever comes first); at least one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizationInput {
    pub signature_id: Uuid,
    pub recipient: Recipient,
    pub categories: Vec<Category>,
    pub purpose: String,
    pub expires_at: Option<DateTime<Utc>>,
    pub expires_on: Option<ExpiryEvent>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthorizationStatus {
    Active,
    Expired,
    Revoked,
}

/// An authorization as its client and the practice's admins read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Authorization {
    pub id: Uuid,
    pub client_id: UserId,
    pub signature_id: Uuid,
    pub recipient: Recipient,
    pub categories: Vec<Category>,
    pub purpose: String,
    pub expires_at: Option<DateTime<Utc>>,
    pub expires_on: Option<ExpiryEvent>,
    pub status: AuthorizationStatus,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// `GET …/authorizations`: newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizationList {
    pub authorizations: Vec<Authorization>,
}

/// `POST …/restrictions` (the client): what they ask the practice not to disclose — some
/// categories (none: every category), to one recipient or to anyone — and why (1–1000
/// characters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestrictionInput {
    pub categories: Vec<Category>,
    pub recipient: Option<Recipient>,
    pub description: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RestrictionStatus {
    Requested,
    Accepted,
    Declined,
}

/// `POST …/restrictions/{r}/review` (a practice admin): accept or decline, with a reason
/// the client reads (1–1000 characters). Decided once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestrictionReview {
    pub accept: bool,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Restriction {
    pub id: Uuid,
    pub client_id: UserId,
    pub categories: Vec<Category>,
    pub recipient: Option<Recipient>,
    pub description: String,
    pub status: RestrictionStatus,
    pub reason: Option<String>,
    pub reviewed_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub reviewed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestrictionList {
    pub restrictions: Vec<Restriction>,
}

/// `POST /internal/v1/…/decisions`: may `categories` of the client's record go to
/// `recipient` now?
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionRequest {
    pub recipient: Recipient,
    pub categories: Vec<Category>,
}

/// One authorization a decision relies on, and the categories it permits here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub authorization_id: Uuid,
    pub categories: Vec<Category>,
}

/// The answer: `permit` when at least one requested category may go; `categories` is the
/// union of the grants (active, unexpired, unrevoked authorizations for this recipient,
/// minus accepted restrictions), a subset of what was asked; `denied` the rest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub permit: bool,
    pub categories: Vec<Category>,
    pub denied: Vec<Category>,
    pub grants: Vec<Grant>,
}

/// `POST …/disclosures` (a practice admin, for a disclosure made outside the platform, e.g.
/// records sent by post): decided again when recorded; a category not permitted now is
/// refused (403) and nothing is recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisclosureInput {
    pub recipient: Recipient,
    pub categories: Vec<Category>,
    /// How it was sent, 1–200 characters ("by post").
    pub channel: String,
}

/// One line of the accounting of disclosures: what left, to whom, under which
/// authorizations, when, by whom, how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disclosure {
    pub id: Uuid,
    pub client_id: UserId,
    pub recipient: Recipient,
    pub categories: Vec<Category>,
    pub authorization_ids: Vec<Uuid>,
    pub purpose: String,
    pub channel: String,
    pub disclosed_by: UserId,
    pub disclosed_at: DateTime<Utc>,
}

/// `GET …/disclosures`: newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisclosureList {
    pub disclosures: Vec<Disclosure>,
}
