//! Forms in the schema: the practice's templates (JSON Schemas, versioned), responses, and
//! PHQ-9 / GAD-7 scores with their history. records validates, scores, encrypts and decides
//! who may; the gateway shapes the data. Answers and scores are PHI: never logged.

use async_graphql::{Context, Enum, ID, InputObject, Json, Object, SimpleObject};
use chrono::{DateTime, Utc};
use serde_json::Value;
use tp_authz::Permission;
use tp_records_api::forms;

use crate::graphql::context::{Require, request_ctx};
use crate::graphql::error::GqlError;
use crate::graphql::ids;
use crate::graphql::records::records;

/// A built-in instrument, scored by the server.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "tp_records_api::forms::Instrument")]
pub enum Instrument {
    /// 9 items 0-3; total 0-27.
    #[graphql(name = "PHQ9")]
    Phq9,
    /// 7 items 0-3; total 0-21.
    #[graphql(name = "GAD7")]
    Gad7,
}

/// PHQ-9: NONE 0-4, MILD 5-9, MODERATE 10-14, MODERATELY_SEVERE 15-19, SEVERE 20-27.
/// GAD-7: MINIMAL 0-4, MILD 5-9, MODERATE 10-14, SEVERE 15-21.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "tp_records_api::forms::Severity")]
pub enum Severity {
    None,
    Minimal,
    Mild,
    Moderate,
    ModeratelySevere,
    Severe,
}

#[derive(SimpleObject)]
pub struct Score {
    pub total: u8,
    pub severity: Severity,
    /// PHQ-9 item 9 (thoughts of self-harm) answered above 0, whatever the total.
    pub self_harm_flagged: bool,
}

#[derive(SimpleObject)]
pub struct FormTemplate {
    pub id: ID,
    pub version: u32,
    pub title: String,
    /// The JSON Schema a response's answers must satisfy.
    pub schema: Json<Value>,
    pub created_by: ID,
    pub created_at: DateTime<Utc>,
}

#[derive(InputObject)]
pub struct FormTemplateInput {
    /// 1-200 characters.
    pub title: String,
    /// A JSON Schema (draft 2020-12 unless it says otherwise), at most 64 KiB and 16 levels
    /// deep, without references to other documents.
    pub schema: Json<Value>,
}

/// What a response answers: `templateId` and `version`, or `instrument` (answers: the items
/// in order, each 0-3).
#[derive(InputObject)]
pub struct FormResponseInput {
    pub template_id: Option<ID>,
    pub version: Option<u32>,
    pub instrument: Option<Instrument>,
    pub answers: Json<Value>,
}

#[derive(SimpleObject)]
pub struct FormResponse {
    pub id: ID,
    pub client_id: ID,
    pub template_id: Option<ID>,
    pub template_version: Option<u32>,
    pub instrument: Option<Instrument>,
    pub answers: Json<Value>,
    /// Instruments only.
    pub score: Option<Score>,
    pub responded_by: ID,
    pub created_at: DateTime<Utc>,
}

#[derive(SimpleObject)]
pub struct ScorePoint {
    pub response_id: ID,
    pub score: Score,
    pub created_at: DateTime<Utc>,
}

impl From<forms::Score> for Score {
    fn from(s: forms::Score) -> Self {
        Self { total: s.total, severity: s.severity.into(), self_harm_flagged: s.self_harm_flagged }
    }
}

impl From<forms::FormTemplate> for FormTemplate {
    fn from(t: forms::FormTemplate) -> Self {
        Self {
            id: ID(t.id.to_string()),
            version: t.version,
            title: t.title,
            schema: Json(t.schema),
            created_by: ID(t.created_by.to_string()),
            created_at: t.created_at,
        }
    }
}

impl From<forms::FormResponse> for FormResponse {
    fn from(r: forms::FormResponse) -> Self {
        let (template_id, template_version, instrument) = match r.form {
            forms::Answers::Template { template_id, version } => {
                (Some(ID(template_id.to_string())), Some(version), None)
            }
            forms::Answers::Instrument { instrument } => (None, None, Some(instrument.into())),
        };
        Self {
            id: ID(r.id.to_string()),
            client_id: ID(r.client_id.to_string()),
            template_id,
            template_version,
            instrument,
            answers: Json(r.answers),
            score: r.score.map(Into::into),
            responded_by: ID(r.responded_by.to_string()),
            created_at: r.created_at,
        }
    }
}

impl From<forms::ScorePoint> for ScorePoint {
    fn from(p: forms::ScorePoint) -> Self {
        Self { response_id: ID(p.response_id.to_string()), score: p.score.into(), created_at: p.created_at }
    }
}

impl TryFrom<FormResponseInput> for forms::ResponseInput {
    type Error = GqlError;

    fn try_from(input: FormResponseInput) -> Result<Self, GqlError> {
        let form = match (input.template_id, input.version, input.instrument) {
            (Some(id), Some(version), None) => {
                forms::Answers::Template { template_id: ids::uuid(&id, "template")?, version }
            }
            (None, None, Some(instrument)) => forms::Answers::Instrument { instrument: instrument.into() },
            _ => return Err(GqlError::bad_input("answer either a template (templateId and version) or an instrument")),
        };
        Ok(Self { form, answers: input.answers.0 })
    }
}

impl From<FormTemplateInput> for forms::TemplateInput {
    fn from(input: FormTemplateInput) -> Self {
        Self { title: input.title, schema: input.schema.0 }
    }
}

#[derive(Default)]
pub struct FormsQuery;

#[Object]
impl FormsQuery {
    /// The latest version of each of the practice's form templates: for those who define
    /// forms and those who fill them in (templates hold questions, not answers).
    async fn form_templates(&self, ctx: &Context<'_>) -> Result<Vec<FormTemplate>, GqlError> {
        let cx = request_ctx(ctx)?;
        if cx.require(Permission::FormTemplatesManage).is_err() {
            cx.require(Permission::FormsRespond)?;
        }
        let list = records(ctx)?.form_templates(cx, cx.tenant()?).await?;
        Ok(list.templates.into_iter().map(Into::into).collect())
    }
}

#[derive(Default)]
pub struct FormsMutation;

#[Object]
impl FormsMutation {
    /// A new practice form template (version 1). The schema is checked before it is kept.
    #[graphql(guard = "Require(Permission::FormTemplatesManage)")]
    async fn create_form_template(
        &self,
        ctx: &Context<'_>,
        input: FormTemplateInput,
    ) -> Result<FormTemplate, GqlError> {
        let cx = request_ctx(ctx)?;
        Ok(records(ctx)?.save_form_template(cx, cx.tenant()?, None, &input.into()).await?.into())
    }

    /// The next version of a template; responses to earlier versions keep answering theirs.
    #[graphql(guard = "Require(Permission::FormTemplatesManage)")]
    async fn create_form_template_version(
        &self,
        ctx: &Context<'_>,
        template_id: ID,
        input: FormTemplateInput,
    ) -> Result<FormTemplate, GqlError> {
        let cx = request_ctx(ctx)?;
        let template = ids::uuid(&template_id, "template")?;
        Ok(records(ctx)?.save_form_template(cx, cx.tenant()?, Some(template), &input.into()).await?.into())
    }

    /// A response for a client: the client themself, or a clinician on their care team.
    /// Invalid answers are BAD_USER_INPUT naming the rule broken, never an answer.
    #[graphql(guard = "Require(Permission::FormsRespond)")]
    async fn submit_form_response(
        &self,
        ctx: &Context<'_>,
        client_id: ID,
        input: FormResponseInput,
    ) -> Result<FormResponse, GqlError> {
        let cx = request_ctx(ctx)?;
        let client = ids::user_id(&client_id)?;
        let input = forms::ResponseInput::try_from(input)?;
        Ok(records(ctx)?.submit_form_response(cx, cx.tenant()?, client, &input).await?.into())
    }
}
