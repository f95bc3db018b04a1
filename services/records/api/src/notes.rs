//! Progress notes as records serves them: SOAP, DAP and BIRP drafts, signed notes (immutable,
//! with their content hash) and amendments linked to the note they correct.
//! Not here: psychotherapy notes (a separate kind, still to come) and any rule.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tp_ids::UserId;
use uuid::Uuid;

/// The template of a note, which fixes its section names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Template {
    /// subjective, objective, assessment, plan
    Soap,
    /// data, assessment, plan
    Dap,
    /// behavior, intervention, response, plan
    Birp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NoteStatus {
    Draft,
    Signed,
}

/// `POST …/notes`, `PUT …/notes/{n}` and `POST …/notes/{n}/amendments`: the template and
/// its sections (names of the template only; a missing section is empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteInput {
    pub template: Template,
    pub sections: BTreeMap<String, String>,
    /// A substance use disorder record under 42 CFR Part 2: disclosed only under a Part 2
    /// consent as well as its own category (see `tp_consent_api::disclosure::Category`).
    /// Fixed when the note is signed; an amendment carries its own. Absent: false.
    #[serde(default)]
    pub sud: bool,
}

/// One note. `content_hash` (hex SHA-256), `signed_by` and `signed_at` are set once signed;
/// `amends` is the signed note this one corrects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub id: Uuid,
    pub client_id: UserId,
    pub author_id: UserId,
    pub template: Template,
    pub sections: BTreeMap<String, String>,
    /// Flagged as a substance use disorder record (42 CFR Part 2).
    pub sud: bool,
    pub status: NoteStatus,
    pub content_hash: Option<String>,
    pub signed_by: Option<UserId>,
    pub signed_at: Option<DateTime<Utc>>,
    pub amends: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `GET …/notes`: the client's notes, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteList {
    pub notes: Vec<Note>,
}
