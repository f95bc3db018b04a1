//! Appointments: who meets whom, when, and how. Ids and times only: there is no free text
//! (a reason for the visit would be PHI, and belongs in the chart).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tp_ids::UserId;
use uuid::Uuid;

/// How the session takes place. A telehealth appointment has a room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Modality {
    InPerson,
    Telehealth,
}

impl Modality {
    pub const fn as_str(self) -> &'static str {
        match self {
            Modality::InPerson => "in_person",
            Modality::Telehealth => "telehealth",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Modality::InPerson, Modality::Telehealth].into_iter().find(|m| m.as_str() == value)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppointmentStatus {
    Booked,
    Cancelled,
}

impl AppointmentStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            AppointmentStatus::Booked => "booked",
            AppointmentStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [AppointmentStatus::Booked, AppointmentStatus::Cancelled].into_iter().find(|s| s.as_str() == value)
    }
}

/// `POST …/appointments`. Starts in the future (at most 400 days ahead), lasts 5 minutes to
/// 8 hours. Answers 409 `SCHEDULING_CONSENT_REQUIRED` naming the documents still to sign
/// until the client signed every document the practice requires, and 409
/// `SCHEDULING_SLOT_TAKEN` when the clinician or the client already has an appointment
/// overlapping it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookInput {
    pub client_id: UserId,
    pub clinician_id: UserId,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub modality: Modality,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appointment {
    pub id: Uuid,
    pub client_id: UserId,
    pub clinician_id: UserId,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub modality: Modality,
    pub status: AppointmentStatus,
    pub booked_by: UserId,
    pub booked_at: DateTime<Utc>,
    pub cancelled_at: Option<DateTime<Utc>>,
}

/// `GET …/appointments?from=…&to=…[&clinician_id=…][&client_id=…]`: the appointments
/// starting in `[from, to)` (at most 92 days), booked and cancelled, earliest first. A
/// clinician sees their own schedule, a client their own appointments: the filters narrow
/// what the caller reaches, never widen it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentQuery {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clinician_id: Option<UserId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<UserId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentList {
    pub appointments: Vec<Appointment>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modality_and_status_round_trip_through_their_names() {
        for m in [Modality::InPerson, Modality::Telehealth] {
            assert_eq!(Modality::parse(m.as_str()), Some(m));
            assert_eq!(serde_json::to_value(m).unwrap(), serde_json::json!(m.as_str()));
        }
        for s in [AppointmentStatus::Booked, AppointmentStatus::Cancelled] {
            assert_eq!(AppointmentStatus::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), serde_json::json!(s.as_str()));
        }
        assert_eq!(Modality::parse("video"), None);
    }
}
