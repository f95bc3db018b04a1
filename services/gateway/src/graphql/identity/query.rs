//! Queries of the identity domain: the caller, their practice, its people, care teams and
//! API clients.

use async_graphql::connection::{Connection, Edge};
use async_graphql::dataloader::DataLoader;
use async_graphql::{Context, ID, Object};
use tp_authz::Permission;
use tp_identity_api::admin::Assignment;

use crate::graphql::context::{Authenticated, Require, request_ctx};
use crate::graphql::error::GqlError;
use crate::graphql::identity::identity;
use crate::graphql::identity::loaders::DirectoryLoader;
use crate::graphql::identity::types::{ApiClient, Member, Tenant, User};
use crate::graphql::identity::viewer::Viewer;
use crate::graphql::ids;

/// Most members one page may hold.
const MAX_PAGE: i32 = 100;

#[derive(Default)]
pub struct IdentityQuery;

#[Object]
impl IdentityQuery {
    /// The caller, as their access token says.
    #[graphql(guard = "Authenticated")]
    #[expect(clippy::unused_async, reason = "async-graphql resolvers of #[Object] must be async")]
    async fn me(&self, ctx: &Context<'_>) -> Result<Viewer, GqlError> {
        Ok(Viewer::of(request_ctx(ctx)?.principal()?))
    }

    /// The caller's practice and its settings.
    #[graphql(guard = "Require(Permission::TenantSettingsRead)")]
    async fn tenant(&self, ctx: &Context<'_>) -> Result<Tenant, GqlError> {
        let cx = request_ctx(ctx)?;
        let tenant = cx.tenant()?;
        Ok(identity(ctx)?.tenant(cx, tenant).await?.into())
    }

    /// The practice's members with their contact details, ordered by id (Relay connection).
    #[graphql(
        guard = "Require(Permission::MembersRead)",
        complexity = "(*first.as_ref().unwrap_or(&20)).clamp(1, 100) as usize * child_complexity"
    )]
    async fn members(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, Member>, GqlError> {
        let cx = request_ctx(ctx)?;
        let tenant = cx.tenant()?;
        let first = first.unwrap_or(20);
        if !(1..=MAX_PAGE).contains(&first) {
            return Err(GqlError::bad_input(format!("first must be between 1 and {MAX_PAGE}")));
        }
        let after = after.as_deref().map(ids::parse_user_cursor).transpose()?;
        let page = identity(ctx)?.members(cx, tenant, first.unsigned_abs() as usize, after).await?;
        let mut connection = Connection::new(after.is_some(), page.has_next_page);
        connection.edges.extend(
            page.members.into_iter().map(|member| Edge::new(ids::user_cursor(member.user_id), Member::from(member))),
        );
        Ok(connection)
    }

    /// A person of the practice by id: name and roles (email only for those who may read
    /// members). Another practice's person is NOT_FOUND.
    #[graphql(guard = "Require(Permission::DirectoryRead)")]
    async fn user(&self, ctx: &Context<'_>, id: ID) -> Result<User, GqlError> {
        let user = ids::user_id(&id)?;
        let loader = crate::graphql::context::data::<DataLoader<DirectoryLoader>>(ctx)?;
        loader.load_one(user).await?.map(User::from).ok_or_else(GqlError::not_found)
    }

    /// Care-team assignments, optionally for one clinician or one client.
    #[graphql(guard = "Require(Permission::CareTeamsRead)")]
    async fn care_team(
        &self,
        ctx: &Context<'_>,
        clinician_id: Option<ID>,
        client_id: Option<ID>,
    ) -> Result<Vec<CareTeamAssignment>, GqlError> {
        let cx = request_ctx(ctx)?;
        let tenant = cx.tenant()?;
        let clinician = clinician_id.as_ref().map(ids::user_id).transpose()?;
        let client = client_id.as_ref().map(ids::user_id).transpose()?;
        let list = identity(ctx)?.care_team(cx, tenant, clinician, client).await?;
        Ok(list.assignments.into_iter().map(CareTeamAssignment).collect())
    }

    /// The practice's API clients (secrets are never shown again).
    #[graphql(guard = "Require(Permission::ApiClientsManage)")]
    async fn api_clients(&self, ctx: &Context<'_>) -> Result<Vec<ApiClient>, GqlError> {
        let cx = request_ctx(ctx)?;
        let tenant = cx.tenant()?;
        Ok(identity(ctx)?.api_clients(cx, tenant).await?.api_clients.into_iter().map(Into::into).collect())
    }
}

/// A clinician assigned to a client. Both people resolve through the directory loader:
/// one identity call for the whole list.
pub struct CareTeamAssignment(pub Assignment);

#[Object]
impl CareTeamAssignment {
    async fn clinician_id(&self) -> ID {
        ID(self.0.clinician_id.to_string())
    }

    async fn client_id(&self) -> ID {
        ID(self.0.client_id.to_string())
    }

    async fn clinician(&self, ctx: &Context<'_>) -> Result<Option<User>, GqlError> {
        load_user(ctx, self.0.clinician_id).await
    }

    async fn client(&self, ctx: &Context<'_>) -> Result<Option<User>, GqlError> {
        load_user(ctx, self.0.client_id).await
    }
}

async fn load_user(ctx: &Context<'_>, user: tp_ids::UserId) -> Result<Option<User>, GqlError> {
    let loader = crate::graphql::context::data::<DataLoader<DirectoryLoader>>(ctx)?;
    Ok(loader.load_one(user).await?.map(User::from))
}
