//! GraphQL types of the client chart, built from records' wire types. Every value is PHI:
//! it goes to the caller and nowhere else (no logs, no error messages).

use async_graphql::{ID, InputObject, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use tp_records_api::chart;

use crate::graphql::error::GqlError;

#[derive(SimpleObject, InputObject)]
#[graphql(input_name = "EmergencyContactInput")]
pub struct EmergencyContact {
    pub name: String,
    pub phone: String,
    pub relationship: Option<String>,
}

/// Who the client is and how to reach them. As input, it replaces what was recorded.
#[derive(SimpleObject, InputObject)]
#[graphql(input_name = "DemographicsInput")]
pub struct Demographics {
    pub legal_name: String,
    pub preferred_name: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub emergency_contact: Option<EmergencyContact>,
}

/// A client's chart. `demographics` is null until someone records them; the clinical
/// sub-fields are in `records::chart`.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ClientChart {
    /// The client's user id.
    pub id: ID,
    pub demographics: Option<Demographics>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// A search hit: enough to pick the right client.
#[derive(SimpleObject)]
pub struct ClientSummary {
    pub id: ID,
    pub legal_name: String,
    pub date_of_birth: Option<NaiveDate>,
}

impl From<chart::EmergencyContact> for EmergencyContact {
    fn from(c: chart::EmergencyContact) -> Self {
        Self { name: c.name, phone: c.phone, relationship: c.relationship }
    }
}

impl From<EmergencyContact> for chart::EmergencyContact {
    fn from(c: EmergencyContact) -> Self {
        Self { name: c.name, phone: c.phone, relationship: c.relationship }
    }
}

impl From<chart::Chart> for ClientChart {
    fn from(c: chart::Chart) -> Self {
        Self { id: ID(c.client_id.to_string()), demographics: c.demographics.map(Into::into), updated_at: c.updated_at }
    }
}

impl From<chart::Demographics> for Demographics {
    fn from(d: chart::Demographics) -> Self {
        Self {
            legal_name: d.legal_name,
            preferred_name: d.preferred_name,
            date_of_birth: d.date_of_birth,
            phone: d.phone,
            email: d.email,
            address: d.address,
            emergency_contact: d.emergency_contact.map(Into::into),
        }
    }
}

impl From<Demographics> for chart::Demographics {
    fn from(d: Demographics) -> Self {
        Self {
            legal_name: d.legal_name,
            preferred_name: d.preferred_name,
            date_of_birth: d.date_of_birth,
            phone: d.phone,
            email: d.email,
            address: d.address,
            emergency_contact: d.emergency_contact.map(Into::into),
        }
    }
}

impl From<chart::ClientSummary> for ClientSummary {
    fn from(c: chart::ClientSummary) -> Self {
        Self { id: ID(c.client_id.to_string()), legal_name: c.legal_name, date_of_birth: c.date_of_birth }
    }
}

/// The name searched for: bounded here so an oversized value never reaches a service.
pub fn search_name(name: &str) -> Result<&str, GqlError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(GqlError::bad_input("name must be 1 to 200 characters"));
    }
    Ok(name)
}
