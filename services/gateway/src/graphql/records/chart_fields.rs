//! The clinical fields of `Client` (the chart): diagnoses, treatment plan, medications,
//! amendment requests, documents, form responses and assessment histories, each one call to
//! records with the caller's token (records admits the care team or the client themself, and
//! audits the read). Each needs `ClinicalRead`: a field the caller may not read (staff) answers
//! FORBIDDEN on its own; the rest of the chart, demographics included, still answers.

use async_graphql::{ComplexObject, Context};
use tp_authz::Permission;

use crate::graphql::context::{Require, request_ctx};
use crate::graphql::error::GqlError;
use crate::graphql::ids;
use crate::graphql::records::amendments::AmendmentRequest;
use crate::graphql::records::clinical::{Diagnosis, Medication, TreatmentPlan};
use crate::graphql::records::documents::Document;
use crate::graphql::records::forms::{FormResponse, Instrument, ScorePoint};
use crate::graphql::records::records;
use crate::graphql::records::types::ClientChart;

#[ComplexObject]
impl ClientChart {
    /// The client's diagnoses, oldest first.
    #[graphql(guard = "Require(Permission::ClinicalRead)")]
    async fn diagnoses(&self, ctx: &Context<'_>) -> Result<Vec<Diagnosis>, GqlError> {
        let cx = request_ctx(ctx)?;
        let list = records(ctx)?.diagnoses(cx, cx.tenant()?, ids::user_id(&self.id)?).await?;
        Ok(list.diagnoses.into_iter().map(Into::into).collect())
    }

    /// The current treatment plan; null until one is set.
    #[graphql(guard = "Require(Permission::ClinicalRead)")]
    async fn treatment_plan(&self, ctx: &Context<'_>) -> Result<Option<TreatmentPlan>, GqlError> {
        let cx = request_ctx(ctx)?;
        let current = records(ctx)?.treatment_plan(cx, cx.tenant()?, ids::user_id(&self.id)?).await?;
        Ok(current.plan.map(Into::into))
    }

    /// The client's medications, oldest first.
    #[graphql(guard = "Require(Permission::ClinicalRead)")]
    async fn medications(&self, ctx: &Context<'_>) -> Result<Vec<Medication>, GqlError> {
        let cx = request_ctx(ctx)?;
        let list = records(ctx)?.medications(cx, cx.tenant()?, ids::user_id(&self.id)?).await?;
        Ok(list.medications.into_iter().map(Into::into).collect())
    }

    /// The client's amendment requests and their decisions, oldest first.
    #[graphql(guard = "Require(Permission::ClinicalRead)")]
    async fn amendment_requests(&self, ctx: &Context<'_>) -> Result<Vec<AmendmentRequest>, GqlError> {
        let cx = request_ctx(ctx)?;
        let list = records(ctx)?.amendment_requests(cx, cx.tenant()?, ids::user_id(&self.id)?).await?;
        Ok(list.requests.into_iter().map(Into::into).collect())
    }

    /// The client's documents (metadata; content at each `downloadUrl`), oldest first.
    #[graphql(guard = "Require(Permission::ClinicalRead)")]
    async fn documents(&self, ctx: &Context<'_>) -> Result<Vec<Document>, GqlError> {
        let cx = request_ctx(ctx)?;
        let list = records(ctx)?.documents(cx, cx.tenant()?, ids::user_id(&self.id)?).await?;
        Ok(list.documents.into_iter().map(Into::into).collect())
    }

    /// The client's form responses, oldest first.
    #[graphql(guard = "Require(Permission::ClinicalRead)")]
    async fn form_responses(&self, ctx: &Context<'_>) -> Result<Vec<FormResponse>, GqlError> {
        let cx = request_ctx(ctx)?;
        let list = records(ctx)?.form_responses(cx, cx.tenant()?, ids::user_id(&self.id)?).await?;
        Ok(list.responses.into_iter().map(Into::into).collect())
    }

    /// The client's scores on one instrument, oldest first.
    #[graphql(guard = "Require(Permission::ClinicalRead)")]
    async fn assessment_history(&self, ctx: &Context<'_>, instrument: Instrument) -> Result<Vec<ScorePoint>, GqlError> {
        let cx = request_ctx(ctx)?;
        let key = (cx.tenant()?, ids::user_id(&self.id)?);
        let history = records(ctx)?.assessment_history(cx, key, instrument.into()).await?;
        Ok(history.scores.into_iter().map(Into::into).collect())
    }
}
