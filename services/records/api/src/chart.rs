//! The client chart as records serves it: the demographics section for now.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use tp_ids::UserId;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmergencyContact {
    pub name: String,
    pub phone: String,
    pub relationship: Option<String>,
}

/// Who the client is and how to reach them. `legal_name` is required (1-200 characters);
/// every other field is optional. Each is stored encrypted under the practice's key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Demographics {
    pub legal_name: String,
    pub preferred_name: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub emergency_contact: Option<EmergencyContact>,
}

/// `GET /v1/tenants/{t}/clients/{c}`: `demographics` is `None` until someone records them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chart {
    pub client_id: UserId,
    pub demographics: Option<Demographics>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// One search hit: enough to pick the right client, nothing more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientSummary {
    pub client_id: UserId,
    pub legal_name: String,
    pub date_of_birth: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchResults {
    pub clients: Vec<ClientSummary>,
}
