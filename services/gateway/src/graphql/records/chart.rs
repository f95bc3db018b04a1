//! The clinical sub-fields of `ClientChart` (the `client(id)` query): documents, form
//! responses and assessment histories. Each needs `ClinicalRead`, and records checks the
//! relationship (the care team, or the client themself), so a caller who may read the
//! demographics but not the clinical chart (staff) gets FORBIDDEN on these fields only.

use async_graphql::{ComplexObject, Context};
use tp_authz::Permission;

use crate::graphql::context::{Require, request_ctx};
use crate::graphql::error::GqlError;
use crate::graphql::ids;
use crate::graphql::records::documents::Document;
use crate::graphql::records::forms::{FormResponse, Instrument, ScorePoint};
use crate::graphql::records::records;
use crate::graphql::records::types::ClientChart;

#[ComplexObject]
impl ClientChart {
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
