//! Mutations of the records domain.

use async_graphql::{Context, ID, Object};
use tp_authz::Permission;

use crate::graphql::context::{Require, request_ctx};
use crate::graphql::error::GqlError;
use crate::graphql::ids;
use crate::graphql::records::records;
use crate::graphql::records::types::{ClientChart, Demographics};

#[derive(Default)]
pub struct RecordsMutation;

#[Object]
impl RecordsMutation {
    /// Records (or corrects) a client's demographics; replaces what was there.
    #[graphql(guard = "Require(Permission::DemographicsWrite)")]
    async fn update_client_demographics(
        &self,
        ctx: &Context<'_>,
        client_id: ID,
        input: Demographics,
    ) -> Result<ClientChart, GqlError> {
        let cx = request_ctx(ctx)?;
        let client = ids::user_id(&client_id)?;
        Ok(records(ctx)?.set_demographics(cx, cx.tenant()?, client, &input.into()).await?.into())
    }
}
