//! The clinical part of the chart as records serves it: diagnoses (ICD-10-CM), the current
//! treatment plan with its goals, and medications (free text). Every value is PHI, stored
//! encrypted. Not here: progress notes (`notes`), amendment requests (`amendments`), rules.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use tp_ids::UserId;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DiagnosisStatus {
    Active,
    Resolved,
}

/// `POST …/diagnoses` and `PUT …/diagnoses/{d}`. `code` is an ICD-10-CM code such as
/// `F41.1` (letter, digit, letter or digit, then optionally `.` and 1-4 letters or digits),
/// stored upper case; `description` 1-500 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiagnosisInput {
    pub code: String,
    pub description: String,
    pub status: DiagnosisStatus,
    pub onset_date: Option<NaiveDate>,
    /// A substance use disorder record under 42 CFR Part 2: disclosed only under a Part 2
    /// consent as well as its own category (see `tp_consent_api::disclosure::Category`).
    /// A code of F10–F16, F18 or F19 (disorders due to psychoactive substance use; not
    /// F17, nicotine, which Part 2 excludes) is one whatever this says. Absent: false.
    #[serde(default)]
    pub sud: bool,
}

/// One diagnosis: recorded by a clinician of the care team, changed by any of them since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnosis {
    pub id: Uuid,
    pub client_id: UserId,
    pub code: String,
    pub description: String,
    pub status: DiagnosisStatus,
    pub onset_date: Option<NaiveDate>,
    /// Flagged, or a code of F10–F16, F18 or F19: a substance use disorder record.
    pub sud: bool,
    pub recorded_by: UserId,
    pub recorded_at: DateTime<Utc>,
    pub updated_by: UserId,
    pub updated_at: DateTime<Utc>,
}

/// `GET …/diagnoses`: oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiagnosisList {
    pub diagnoses: Vec<Diagnosis>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GoalStatus {
    Active,
    Met,
    Discontinued,
}

/// A goal of the plan: what, how it is measured, by when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goal {
    pub description: String,
    pub objective: String,
    pub target_date: Option<NaiveDate>,
    pub status: GoalStatus,
}

/// `PUT …/treatment-plan`: replaces the client's one current plan (at most 20 goals).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TreatmentPlanInput {
    pub problem: String,
    pub goals: Vec<Goal>,
}

/// The current plan; `version` counts its revisions from 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TreatmentPlan {
    pub client_id: UserId,
    pub problem: String,
    pub goals: Vec<Goal>,
    pub version: i32,
    pub updated_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `GET …/treatment-plan`: `plan` is `None` until one is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentTreatmentPlan {
    pub plan: Option<TreatmentPlan>,
}

/// `POST …/medications` and `PUT …/medications/{m}`: free text as told, with dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MedicationInput {
    pub name: String,
    pub dose: String,
    pub frequency: String,
    pub prescriber: Option<String>,
    pub started_on: Option<NaiveDate>,
    pub stopped_on: Option<NaiveDate>,
    /// A substance use disorder record under 42 CFR Part 2: disclosed only under a Part 2
    /// consent as well as its own category (see `tp_consent_api::disclosure::Category`).
    /// Absent: false.
    #[serde(default)]
    pub sud: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Medication {
    pub id: Uuid,
    pub client_id: UserId,
    pub name: String,
    pub dose: String,
    pub frequency: String,
    pub prescriber: Option<String>,
    pub started_on: Option<NaiveDate>,
    pub stopped_on: Option<NaiveDate>,
    /// Flagged as a substance use disorder record (42 CFR Part 2).
    pub sud: bool,
    pub recorded_by: UserId,
    pub recorded_at: DateTime<Utc>,
    pub updated_by: UserId,
    pub updated_at: DateTime<Utc>,
}

/// `GET …/medications`: oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MedicationList {
    pub medications: Vec<Medication>,
}
