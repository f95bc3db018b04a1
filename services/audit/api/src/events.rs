//! An audit event as the read API returns it. Events never hold PHI (ids and codes only),
//! so they can be shown as they are.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    /// The writing service, e.g. `records`.
    pub service: String,
    /// e.g. `records.demographics.read`.
    pub action: String,
    /// `success`, `failure` or `denied`.
    pub outcome: String,
    /// `user`, `client` (an API client), `system` or `anonymous`.
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub subject_kind: Option<String>,
    pub subject_id: Option<String>,
    /// Codes and ids only, e.g. `{"note_id": "…"}`, or `{"break_glass": "<opening id>"}` for
    /// an access under a break-glass opening (whose reason stays encrypted in records).
    pub details: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventPage {
    pub events: Vec<Event>,
    pub has_next_page: bool,
}
