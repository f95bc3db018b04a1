//! Break-glass ("emergency access") as records serves it: a clinician off a client's care
//! team opens their chart for a limited time, giving a reason; practice admins review the
//! openings.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tp_ids::UserId;
use uuid::Uuid;

/// `POST …/clients/{c}/break-glass`: why the chart must be opened now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreakGlassInput {
    pub reason: String,
}

/// One opening: who, whose chart, why, and until when it lets them read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreakGlassGrant {
    pub id: Uuid,
    pub client_id: UserId,
    pub clinician_id: UserId,
    pub reason: String,
    pub opened_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// `GET /v1/tenants/{t}/break-glass`: the practice's openings, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreakGlassList {
    pub grants: Vec<BreakGlassGrant>,
}
