//! Psychotherapy notes as records serves them: a clinician's own notes about a client,
//! visible to their author only and never part of the chart, its views or its exports.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tp_ids::UserId;
use uuid::Uuid;

/// `POST …/psychotherapy-notes` and `PUT …/psychotherapy-notes/{n}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PsychotherapyNoteInput {
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PsychotherapyNote {
    pub id: Uuid,
    pub client_id: UserId,
    pub author_id: UserId,
    pub text: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `GET …/psychotherapy-notes`: the caller's own notes about the client, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PsychotherapyNoteList {
    pub notes: Vec<PsychotherapyNote>,
}
