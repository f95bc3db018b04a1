//! Queries of the records domain.

use async_graphql::{Context, ID, Object};
use tp_authz::Permission;

use crate::graphql::context::{Require, request_ctx};
use crate::graphql::error::GqlError;
use crate::graphql::ids;
use crate::graphql::records::records;
use crate::graphql::records::types::{ClientChart, ClientSummary, search_name};

#[derive(Default)]
pub struct RecordsQuery;

#[Object]
impl RecordsQuery {
    /// A client's chart. Clinicians see only clients on their care team, clients only
    /// themselves; a client of another practice is NOT_FOUND.
    #[graphql(guard = "Require(Permission::DemographicsRead)")]
    async fn client(&self, ctx: &Context<'_>, id: ID) -> Result<ClientChart, GqlError> {
        let cx = request_ctx(ctx)?;
        Ok(records(ctx)?.chart(cx, cx.tenant()?, ids::user_id(&id)?).await?.into())
    }

    /// Clients whose full legal name matches (case and spacing aside); an exact look-up,
    /// not a fuzzy search.
    #[graphql(guard = "Require(Permission::ClientsSearch)")]
    async fn search_clients(&self, ctx: &Context<'_>, name: String) -> Result<Vec<ClientSummary>, GqlError> {
        let cx = request_ctx(ctx)?;
        let results = records(ctx)?.search(cx, cx.tenant()?, search_name(&name)?).await?;
        Ok(results.clients.into_iter().map(Into::into).collect())
    }
}
