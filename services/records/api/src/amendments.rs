//! Amendment requests (HIPAA right to amend): a client asks for a correction of their own
//! chart, a reviewer of the care team accepts or declines it with a reason, and the client
//! sees the decision. Not here: the correction itself (a note amendment, a diagnosis
//! update) and any rule.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tp_ids::UserId;
use uuid::Uuid;

/// `POST …/amendment-requests`: what is wrong and what it should say (1-4000 characters
/// each), optionally which item of the chart (at most 200 characters, e.g. "note of 3 May").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmendmentRequestInput {
    pub what_is_wrong: String,
    pub should_say: String,
    pub item: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AmendmentDecision {
    Accepted,
    Declined,
}

/// `POST …/amendment-requests/{a}/review`: the decision and its reason (1-2000 characters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmendmentReview {
    pub decision: AmendmentDecision,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AmendmentStatus {
    Pending,
    Accepted,
    Declined,
}

/// One request; `reviewed_by`, `reviewed_at` and `reason` are set once decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmendmentRequest {
    pub id: Uuid,
    pub client_id: UserId,
    pub requested_by: UserId,
    pub what_is_wrong: String,
    pub should_say: String,
    pub item: Option<String>,
    pub status: AmendmentStatus,
    pub reviewed_by: Option<UserId>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `GET …/amendment-requests`: oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmendmentRequestList {
    pub requests: Vec<AmendmentRequest>,
}
