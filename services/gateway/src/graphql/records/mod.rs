//! The records domain of the schema: the client chart (demographics; diagnoses, treatment
//! plan, medications, amendment requests, documents and forms as its fields), progress notes,
//! psychotherapy notes, break-glass and the chart export.

pub mod amendments;
pub mod break_glass;
mod chart_fields;
pub mod clinical;
pub mod documents;
pub mod export;
pub mod forms;
pub mod mutation;
pub mod notes;
pub mod psychotherapy;
pub mod query;
pub mod types;

use async_graphql::Context;

use crate::downstream::records::RecordsClient;
use crate::graphql::error::GqlError;

/// The records client from the schema data.
pub fn records<'a>(ctx: &Context<'a>) -> Result<&'a RecordsClient, GqlError> {
    crate::graphql::context::data(ctx)
}
