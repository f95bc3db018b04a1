//! Intake and assessment forms as records serves them: practice templates (JSON Schemas,
//! versioned), responses to a template version or to a built-in instrument (PHQ-9, GAD-7),
//! and the scores records computes for instruments. Not here: any rule or scoring.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tp_ids::UserId;
use uuid::Uuid;

/// A built-in instrument with fixed items, scored by records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Instrument {
    /// Patient Health Questionnaire: 9 items, 0-3 each, total 0-27.
    Phq9,
    /// Generalized Anxiety Disorder: 7 items, 0-3 each, total 0-21.
    Gad7,
}

impl Instrument {
    pub const fn code(self) -> &'static str {
        match self {
            Instrument::Phq9 => "phq9",
            Instrument::Gad7 => "gad7",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "phq9" => Some(Instrument::Phq9),
            "gad7" => Some(Instrument::Gad7),
            _ => None,
        }
    }
}

/// Severity band of a total. PHQ-9: none 0-4, mild 5-9, moderate 10-14, moderately severe
/// 15-19, severe 20-27. GAD-7: minimal 0-4, mild 5-9, moderate 10-14, severe 15-21.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    None,
    Minimal,
    Mild,
    Moderate,
    ModeratelySevere,
    Severe,
}

/// A computed score. `self_harm_flagged` is PHQ-9 item 9 answered above 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    pub total: u8,
    pub severity: Severity,
    pub self_harm_flagged: bool,
}

/// `POST /form-templates` (a new template, version 1) and `POST /form-templates/{id}/versions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateInput {
    pub title: String,
    /// A JSON Schema (draft 2020-12 unless it says otherwise) of one response's answers.
    pub schema: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormTemplate {
    pub id: Uuid,
    pub version: u32,
    pub title: String,
    pub schema: serde_json::Value,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
}

/// `GET /form-templates`: the latest version of each of the practice's templates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormTemplateList {
    pub templates: Vec<FormTemplate>,
}

/// What a response answers: one version of a practice template, or an instrument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Answers {
    Template { template_id: Uuid, version: u32 },
    Instrument { instrument: Instrument },
}

/// `POST …/clients/{c}/form-responses`. For an instrument, `answers` is the list of item
/// answers in order (PHQ-9: 9 integers 0-3; GAD-7: 7).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseInput {
    pub form: Answers,
    pub answers: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormResponse {
    pub id: Uuid,
    pub client_id: UserId,
    pub form: Answers,
    pub answers: serde_json::Value,
    /// Instruments only.
    pub score: Option<Score>,
    pub responded_by: UserId,
    pub created_at: DateTime<Utc>,
}

/// `GET …/clients/{c}/form-responses`: oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormResponseList {
    pub responses: Vec<FormResponse>,
}

/// One point of a score history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScorePoint {
    pub response_id: Uuid,
    pub score: Score,
    pub created_at: DateTime<Utc>,
}

/// `GET …/clients/{c}/assessments/{instrument}`: the client's scores, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentHistory {
    pub instrument: Instrument,
    pub scores: Vec<ScorePoint>,
}
