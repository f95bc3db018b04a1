//! The identity domain of the schema.

pub mod loaders;
pub mod mutation;
pub mod query;
pub mod subscription;
pub mod types;
pub mod viewer;

use async_graphql::Context;

use crate::downstream::identity::IdentityClient;
use crate::graphql::error::GqlError;

/// The identity client from the schema data.
pub fn identity<'a>(ctx: &Context<'a>) -> Result<&'a IdentityClient, GqlError> {
    crate::graphql::context::data(ctx)
}
