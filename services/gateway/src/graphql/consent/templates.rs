//! Consent templates in the schema: the practice's list (built-ins and its own, each at its
//! latest version), one template, writing a template or a new version of one (practice
//! admins), and the templates a client must sign before a first appointment.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use tp_authz::Permission;
use tp_consent_api::templates;

use crate::graphql::consent::{consent, template_key};
use crate::graphql::context::{Require, request_ctx};
use crate::graphql::error::GqlError;
use crate::graphql::ids;

/// What a document is for.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "tp_consent_api::templates::DocumentKind")]
pub enum ConsentDocumentKind {
    /// Informed consent to treatment, with the limits of confidentiality.
    Treatment,
    Telehealth,
    /// What email and text messages are used for.
    ElectronicCommunication,
    Recording,
    ReleaseOfInformation,
    PsychotherapyNotesAuthorization,
    /// 42 CFR Part 2 consent for substance use disorder records.
    Part2Sud,
    Other,
}

/// A template at its latest version: `body` (Markdown) is the exact text a client signs,
/// `bodySha256` what a signature quotes.
#[derive(SimpleObject)]
pub struct ConsentTemplate {
    /// A built-in's key (`telehealth`) or the practice template's id.
    pub key: String,
    pub builtin: bool,
    pub kind: ConsentDocumentKind,
    pub title: String,
    pub version: u32,
    pub body: String,
    pub body_sha256: String,
    pub created_by: Option<ID>,
    pub created_at: Option<DateTime<Utc>>,
}

impl From<templates::Template> for ConsentTemplate {
    fn from(t: templates::Template) -> Self {
        Self {
            key: t.key,
            builtin: t.builtin,
            kind: t.kind.into(),
            title: t.title,
            version: t.version,
            body: t.body,
            body_sha256: t.body_sha256,
            created_by: t.created_by.map(|u| ID(u.to_string())),
            created_at: t.created_at,
        }
    }
}

/// A practice template's kind (fixed across its versions), title (1–200 characters) and
/// Markdown body (1–100,000 characters), signed exactly as written.
#[derive(InputObject)]
pub struct ConsentTemplateInput {
    pub kind: ConsentDocumentKind,
    pub title: String,
    pub body: String,
}

impl From<ConsentTemplateInput> for templates::TemplateInput {
    fn from(input: ConsentTemplateInput) -> Self {
        Self { kind: input.kind.into(), title: input.title, body: input.body }
    }
}

#[derive(Default)]
pub struct ConsentTemplatesQuery;

#[Object]
impl ConsentTemplatesQuery {
    /// The practice's consent templates: the built-ins, then its own, each at its latest
    /// version.
    #[graphql(guard = "Require(Permission::ConsentTemplatesRead)")]
    async fn consent_templates(&self, ctx: &Context<'_>) -> Result<Vec<ConsentTemplate>, GqlError> {
        let cx = request_ctx(ctx)?;
        Ok(consent(ctx)?.templates(cx, cx.tenant()?).await?.templates.into_iter().map(Into::into).collect())
    }

    /// One template at its latest version; NOT_FOUND for an unknown key.
    #[graphql(guard = "Require(Permission::ConsentTemplatesRead)")]
    async fn consent_template(&self, ctx: &Context<'_>, key: String) -> Result<ConsentTemplate, GqlError> {
        let cx = request_ctx(ctx)?;
        Ok(consent(ctx)?.template(cx, cx.tenant()?, template_key(&key)?).await?.into())
    }

    /// The keys of the templates a client must sign before their first appointment.
    #[graphql(guard = "Require(Permission::ConsentTemplatesRead)")]
    async fn consent_requirements(&self, ctx: &Context<'_>) -> Result<Vec<String>, GqlError> {
        let cx = request_ctx(ctx)?;
        Ok(consent(ctx)?.requirements(cx, cx.tenant()?).await?.before_first_appointment)
    }
}

#[derive(Default)]
pub struct ConsentTemplatesMutation;

#[Object]
impl ConsentTemplatesMutation {
    /// A new practice template, at version 1.
    #[graphql(guard = "Require(Permission::ConsentTemplatesManage)")]
    async fn create_consent_template(
        &self,
        ctx: &Context<'_>,
        input: ConsentTemplateInput,
    ) -> Result<ConsentTemplate, GqlError> {
        let cx = request_ctx(ctx)?;
        Ok(consent(ctx)?.create_template(cx, cx.tenant()?, &input.into()).await?.into())
    }

    /// A new version of a practice template (built-ins cannot be edited); documents signed
    /// at earlier versions stay as they were signed.
    #[graphql(guard = "Require(Permission::ConsentTemplatesManage)")]
    async fn revise_consent_template(
        &self,
        ctx: &Context<'_>,
        key: ID,
        input: ConsentTemplateInput,
    ) -> Result<ConsentTemplate, GqlError> {
        let cx = request_ctx(ctx)?;
        let template = ids::uuid(&key, "template")?;
        Ok(consent(ctx)?.revise_template(cx, (cx.tenant()?, template), &input.into()).await?.into())
    }

    /// Replaces the templates a client must sign before their first appointment; answers
    /// the new list.
    #[graphql(guard = "Require(Permission::ConsentTemplatesManage)")]
    async fn set_consent_requirements(
        &self,
        ctx: &Context<'_>,
        templates: Vec<String>,
    ) -> Result<Vec<String>, GqlError> {
        let cx = request_ctx(ctx)?;
        let keys = templates.iter().map(|k| template_key(k).map(str::to_owned)).collect::<Result<Vec<_>, _>>()?;
        let requirements = templates::Requirements { before_first_appointment: keys };
        Ok(consent(ctx)?.set_requirements(cx, cx.tenant()?, &requirements).await?.before_first_appointment)
    }
}
