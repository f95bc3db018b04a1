//! Consent templates: the built-ins every practice has (keys in [`BUILTIN_KEYS`]) and a
//! practice's own Markdown templates, versioned. Not here: rendering and its placeholders
//! (consent's rules), signatures ([`crate::documents`]).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tp_ids::UserId;

/// A template's identity on the wire: a built-in's key (`"telehealth"`) or a practice
/// template's UUID, as text.
pub type TemplateKey = String;

/// The built-in templates' keys, in the order a practice's list shows them.
pub const BUILTIN_KEYS: [&str; 7] = [
    "informed-consent",
    "telehealth",
    "electronic-communication",
    "recording",
    "release-of-information",
    "psychotherapy-notes",
    "part2-sud",
];

/// What a document is for: consent's rules depend on it (recording consent feeds the
/// telehealth room; only a psychotherapy-notes authorization discloses those notes, only a
/// Part 2 consent SUD records).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// Informed consent to treatment, with the limits of confidentiality.
    Treatment,
    Telehealth,
    /// What email and text messages are used for.
    ElectronicCommunication,
    Recording,
    ReleaseOfInformation,
    PsychotherapyNotesAuthorization,
    /// 42 CFR Part 2 consent for substance use disorder records.
    Part2Sud,
    Other,
}

/// `POST …/consent-templates` and `POST …/versions`: title 1–200 characters, body Markdown
/// 1–100,000 characters, signed exactly as written (there are no placeholders). The kind of
/// a template never changes across its versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateInput {
    pub kind: DocumentKind,
    pub title: String,
    pub body: String,
}

/// A template at one version: the exact text a client reads and signs (`body`, Markdown) and
/// its SHA-256 in lowercase hex, which a signature must quote. Built-ins have no author.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    pub key: TemplateKey,
    pub builtin: bool,
    pub kind: DocumentKind,
    pub title: String,
    pub version: u32,
    pub body: String,
    pub body_sha256: String,
    pub created_by: Option<UserId>,
    pub created_at: Option<DateTime<Utc>>,
}

/// `GET …/consent-templates`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateList {
    pub templates: Vec<Template>,
}

/// `GET` / `PUT …/consent-requirements`: the templates (keys) a client must sign before
/// their first appointment; at most 20, each an existing template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requirements {
    pub before_first_appointment: Vec<TemplateKey>,
}
