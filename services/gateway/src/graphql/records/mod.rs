//! The records domain of the schema: the client chart (demographics), progress notes,
//! psychotherapy notes and break-glass.

pub mod break_glass;
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
