//! Diagnoses, the treatment plan and medications in the schema: their types, and the
//! mutations that record them (read as fields of `Client`, see `chart_fields`). records
//! decides who may (the care team's clinicians write; the care team and the client read) and
//! checks the values (an ICD-10-CM code's shape, lengths, dates); the gateway only shapes
//! the data. Every value is PHI: never logged.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use tp_authz::Permission;
use tp_records_api::clinical;

use crate::graphql::context::{Require, request_ctx};
use crate::graphql::error::GqlError;
use crate::graphql::ids;
use crate::graphql::records::records;

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "tp_records_api::clinical::DiagnosisStatus")]
pub enum DiagnosisStatus {
    Active,
    Resolved,
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "tp_records_api::clinical::GoalStatus")]
pub enum GoalStatus {
    Active,
    Met,
    Discontinued,
}

/// As input: `code` is an ICD-10-CM code such as `F41.1` (stored upper case, dotted).
#[derive(InputObject)]
pub struct DiagnosisInput {
    pub code: String,
    pub description: String,
    pub status: DiagnosisStatus,
    pub onset_date: Option<NaiveDate>,
    /// A substance use disorder record under 42 CFR Part 2: disclosed only under a Part 2
    /// consent as well as `DIAGNOSES`. A code of F10–F16, F18 or F19 is one whatever this
    /// says. Absent: false.
    pub sud: Option<bool>,
}

#[derive(SimpleObject)]
pub struct Diagnosis {
    pub id: ID,
    /// ICD-10-CM, upper case and dotted.
    pub code: String,
    pub description: String,
    pub status: DiagnosisStatus,
    pub onset_date: Option<NaiveDate>,
    /// Flagged, or a code of F10–F16, F18 or F19: a substance use disorder record.
    pub sud: bool,
    pub recorded_by: ID,
    pub recorded_at: DateTime<Utc>,
    pub updated_by: ID,
    pub updated_at: DateTime<Utc>,
}

/// A goal of the plan: what, how it is measured, by when.
#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "GoalInput")]
pub struct Goal {
    pub description: String,
    pub objective: String,
    pub target_date: Option<NaiveDate>,
    pub status: GoalStatus,
}

#[derive(InputObject)]
pub struct TreatmentPlanInput {
    pub problem: String,
    pub goals: Vec<Goal>,
}

/// The client's current plan; `version` counts its revisions from 1.
#[derive(SimpleObject)]
pub struct TreatmentPlan {
    pub problem: String,
    pub goals: Vec<Goal>,
    pub version: i32,
    pub updated_by: ID,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// As input: free text as told; `prescriber` and the dates are optional.
#[derive(InputObject)]
pub struct MedicationInput {
    pub name: String,
    pub dose: String,
    pub frequency: String,
    pub prescriber: Option<String>,
    pub started_on: Option<NaiveDate>,
    pub stopped_on: Option<NaiveDate>,
    /// A substance use disorder record under 42 CFR Part 2: disclosed only under a Part 2
    /// consent as well as its own category. Absent: false.
    pub sud: Option<bool>,
}

#[derive(SimpleObject)]
pub struct Medication {
    pub id: ID,
    pub name: String,
    pub dose: String,
    pub frequency: String,
    pub prescriber: Option<String>,
    pub started_on: Option<NaiveDate>,
    pub stopped_on: Option<NaiveDate>,
    /// Flagged as a substance use disorder record (42 CFR Part 2).
    pub sud: bool,
    pub recorded_by: ID,
    pub recorded_at: DateTime<Utc>,
    pub updated_by: ID,
    pub updated_at: DateTime<Utc>,
}

fn id(value: impl ToString) -> ID {
    ID(value.to_string())
}

impl From<DiagnosisInput> for clinical::DiagnosisInput {
    fn from(d: DiagnosisInput) -> Self {
        Self {
            code: d.code,
            description: d.description,
            status: d.status.into(),
            onset_date: d.onset_date,
            sud: d.sud.unwrap_or(false),
        }
    }
}

impl From<clinical::Diagnosis> for Diagnosis {
    fn from(d: clinical::Diagnosis) -> Self {
        Self {
            id: id(d.id),
            code: d.code,
            description: d.description,
            status: d.status.into(),
            onset_date: d.onset_date,
            sud: d.sud,
            recorded_by: id(d.recorded_by),
            recorded_at: d.recorded_at,
            updated_by: id(d.updated_by),
            updated_at: d.updated_at,
        }
    }
}

impl From<Goal> for clinical::Goal {
    fn from(g: Goal) -> Self {
        Self { description: g.description, objective: g.objective, target_date: g.target_date, status: g.status.into() }
    }
}

impl From<clinical::Goal> for Goal {
    fn from(g: clinical::Goal) -> Self {
        Self { description: g.description, objective: g.objective, target_date: g.target_date, status: g.status.into() }
    }
}

impl From<clinical::TreatmentPlan> for TreatmentPlan {
    fn from(p: clinical::TreatmentPlan) -> Self {
        Self {
            problem: p.problem,
            goals: p.goals.into_iter().map(Into::into).collect(),
            version: p.version,
            updated_by: id(p.updated_by),
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

impl From<MedicationInput> for clinical::MedicationInput {
    fn from(m: MedicationInput) -> Self {
        Self {
            name: m.name,
            dose: m.dose,
            frequency: m.frequency,
            prescriber: m.prescriber,
            started_on: m.started_on,
            stopped_on: m.stopped_on,
            sud: m.sud.unwrap_or(false),
        }
    }
}

impl From<clinical::Medication> for Medication {
    fn from(m: clinical::Medication) -> Self {
        Self {
            id: id(m.id),
            name: m.name,
            dose: m.dose,
            frequency: m.frequency,
            prescriber: m.prescriber,
            started_on: m.started_on,
            stopped_on: m.stopped_on,
            sud: m.sud,
            recorded_by: id(m.recorded_by),
            recorded_at: m.recorded_at,
            updated_by: id(m.updated_by),
            updated_at: m.updated_at,
        }
    }
}

#[derive(Default)]
pub struct ClinicalMutation;

#[Object]
impl ClinicalMutation {
    /// Records a diagnosis for a client on the caller's care team.
    #[graphql(guard = "Require(Permission::ClinicalWrite)")]
    async fn add_diagnosis(
        &self,
        ctx: &Context<'_>,
        client_id: ID,
        input: DiagnosisInput,
    ) -> Result<Diagnosis, GqlError> {
        let cx = request_ctx(ctx)?;
        let key = (cx.tenant()?, ids::user_id(&client_id)?);
        Ok(records(ctx)?.add_diagnosis(cx, key, &input.into()).await?.into())
    }

    /// Replaces a diagnosis (code, text, status, onset), e.g. to mark it resolved.
    #[graphql(guard = "Require(Permission::ClinicalWrite)")]
    async fn update_diagnosis(
        &self,
        ctx: &Context<'_>,
        client_id: ID,
        diagnosis_id: ID,
        input: DiagnosisInput,
    ) -> Result<Diagnosis, GqlError> {
        let cx = request_ctx(ctx)?;
        let key = (cx.tenant()?, ids::user_id(&client_id)?, ids::item_id(&diagnosis_id)?);
        Ok(records(ctx)?.update_diagnosis(cx, key, &input.into()).await?.into())
    }

    /// Sets the client's current treatment plan (a new version of it).
    #[graphql(guard = "Require(Permission::ClinicalWrite)")]
    async fn set_treatment_plan(
        &self,
        ctx: &Context<'_>,
        client_id: ID,
        input: TreatmentPlanInput,
    ) -> Result<TreatmentPlan, GqlError> {
        let cx = request_ctx(ctx)?;
        let key = (cx.tenant()?, ids::user_id(&client_id)?);
        let input = clinical::TreatmentPlanInput {
            problem: input.problem,
            goals: input.goals.into_iter().map(Into::into).collect(),
        };
        Ok(records(ctx)?.set_treatment_plan(cx, key, &input).await?.into())
    }

    /// Records a medication for a client on the caller's care team.
    #[graphql(guard = "Require(Permission::ClinicalWrite)")]
    async fn add_medication(
        &self,
        ctx: &Context<'_>,
        client_id: ID,
        input: MedicationInput,
    ) -> Result<Medication, GqlError> {
        let cx = request_ctx(ctx)?;
        let key = (cx.tenant()?, ids::user_id(&client_id)?);
        Ok(records(ctx)?.add_medication(cx, key, &input.into()).await?.into())
    }

    /// Replaces a medication entry, e.g. to record when it was stopped.
    #[graphql(guard = "Require(Permission::ClinicalWrite)")]
    async fn update_medication(
        &self,
        ctx: &Context<'_>,
        client_id: ID,
        medication_id: ID,
        input: MedicationInput,
    ) -> Result<Medication, GqlError> {
        let cx = request_ctx(ctx)?;
        let key = (cx.tenant()?, ids::user_id(&client_id)?, ids::item_id(&medication_id)?);
        Ok(records(ctx)?.update_medication(cx, key, &input.into()).await?.into())
    }
}
