//! Mutations of the identity domain: invitations, roles, care teams, the session policy,
//! API clients and the caller's own sessions. identity checks every one again.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use tp_authz::Permission;
use tp_identity_api::admin::{Assignment, Invite, NewApiClient, Policy, Roles};

use crate::graphql::context::{Authenticated, Require, request_ctx};
use crate::graphql::error::GqlError;
use crate::graphql::identity::identity;
use crate::graphql::identity::query::CareTeamAssignment;
use crate::graphql::identity::types::{CreatedApiClient, Member, RoleGql, SessionPolicyInput, Tenant, role_names};
use crate::graphql::ids;

#[derive(Default)]
pub struct IdentityMutation;

#[derive(InputObject)]
pub struct InviteMemberInput {
    pub email: String,
    pub roles: Vec<RoleGql>,
}

/// The same answer whatever the address: whether it already has an account is not told.
#[derive(SimpleObject)]
pub struct InvitePayload {
    pub status: String,
}

#[derive(InputObject)]
pub struct NewApiClientInput {
    pub name: String,
    pub scopes: Vec<String>,
}

#[derive(SimpleObject)]
pub struct Done {
    /// The id the mutation acted on.
    pub id: ID,
}

#[Object]
impl IdentityMutation {
    /// Sends an invitation by email. Inviting practice admins and inviting other roles are
    /// separate permissions.
    #[graphql(guard = "Authenticated")]
    async fn invite_member(&self, ctx: &Context<'_>, input: InviteMemberInput) -> Result<InvitePayload, GqlError> {
        let cx = request_ctx(ctx)?;
        let admins_only = !input.roles.is_empty() && input.roles.iter().all(|r| *r == RoleGql::PracticeAdmin);
        let permission = if admins_only { Permission::AdminsInvite } else { Permission::MembersInvite };
        let tenant = cx.require_in_tenant(permission)?;
        let invite = Invite { email: input.email, roles: role_names(&input.roles) };
        identity(ctx)?.invite(cx, tenant, &invite).await?;
        Ok(InvitePayload { status: "invited".to_owned() })
    }

    /// Replaces a member's roles; their sessions end at once.
    #[graphql(guard = "Require(Permission::MembersManage)")]
    async fn set_member_roles(&self, ctx: &Context<'_>, user_id: ID, roles: Vec<RoleGql>) -> Result<Member, GqlError> {
        let cx = request_ctx(ctx)?;
        let tenant = cx.tenant()?;
        let user = ids::user_id(&user_id)?;
        let roles = Roles { roles: role_names(&roles) };
        Ok(identity(ctx)?.set_roles(cx, tenant, user, &roles).await?.into())
    }

    /// Removes a member from the practice; their sessions end at once.
    #[graphql(guard = "Require(Permission::MembersManage)")]
    async fn remove_member(&self, ctx: &Context<'_>, user_id: ID) -> Result<Done, GqlError> {
        let cx = request_ctx(ctx)?;
        let tenant = cx.tenant()?;
        identity(ctx)?.remove_member(cx, tenant, ids::user_id(&user_id)?).await?;
        Ok(Done { id: user_id })
    }

    #[graphql(guard = "Require(Permission::CareTeamsManage)")]
    async fn assign_care_team(
        &self,
        ctx: &Context<'_>,
        clinician_id: ID,
        client_id: ID,
    ) -> Result<CareTeamAssignment, GqlError> {
        change_care_team(ctx, &clinician_id, &client_id, true).await
    }

    #[graphql(guard = "Require(Permission::CareTeamsManage)")]
    async fn unassign_care_team(
        &self,
        ctx: &Context<'_>,
        clinician_id: ID,
        client_id: ID,
    ) -> Result<CareTeamAssignment, GqlError> {
        change_care_team(ctx, &clinician_id, &client_id, false).await
    }

    /// Sets which roles need a second factor and the session timeouts.
    #[graphql(guard = "Require(Permission::TenantSettingsWrite)")]
    async fn update_session_policy(&self, ctx: &Context<'_>, input: SessionPolicyInput) -> Result<Tenant, GqlError> {
        let cx = request_ctx(ctx)?;
        let tenant = cx.tenant()?;
        let policy = Policy {
            mfa_required_roles: role_names(&input.mfa_required_roles),
            idle_timeout_secs: input.idle_timeout_secs,
            absolute_timeout_secs: input.absolute_timeout_secs,
        };
        Ok(identity(ctx)?.set_policy(cx, tenant, &policy).await?.into())
    }

    /// Registers an API client; the answer holds its secret, shown this once.
    #[graphql(guard = "Require(Permission::ApiClientsManage)")]
    async fn create_api_client(
        &self,
        ctx: &Context<'_>,
        input: NewApiClientInput,
    ) -> Result<CreatedApiClient, GqlError> {
        let cx = request_ctx(ctx)?;
        let tenant = cx.tenant()?;
        let new = NewApiClient { name: input.name, scopes: input.scopes };
        Ok(identity(ctx)?.create_api_client(cx, tenant, &new).await?.into())
    }

    /// Revokes an API client; its tokens are refused at once.
    #[graphql(guard = "Require(Permission::ApiClientsManage)")]
    async fn revoke_api_client(&self, ctx: &Context<'_>, id: ID) -> Result<Done, GqlError> {
        let cx = request_ctx(ctx)?;
        let tenant = cx.tenant()?;
        identity(ctx)?.revoke_api_client(cx, tenant, &ids::client_id(&id)?).await?;
        Ok(Done { id })
    }

    /// Lets an API client an operator registered obtain tokens.
    #[graphql(guard = "Require(Permission::ApiClientsApprove)")]
    async fn approve_api_client(&self, ctx: &Context<'_>, id: ID) -> Result<Done, GqlError> {
        let cx = request_ctx(ctx)?;
        let tenant = cx.tenant()?;
        identity(ctx)?.approve_api_client(cx, tenant, &ids::client_id(&id)?).await?;
        Ok(Done { id })
    }

    /// Ends one of the caller's own sign-in sessions (another device, or this one).
    #[graphql(guard = "Require(Permission::OwnAccount)")]
    async fn end_session(&self, ctx: &Context<'_>, id: ID) -> Result<Done, GqlError> {
        let cx = request_ctx(ctx)?;
        identity(ctx)?.end_my_session(cx, ids::session_id(&id)?).await?;
        Ok(Done { id })
    }
}

async fn change_care_team(
    ctx: &Context<'_>,
    clinician: &ID,
    client: &ID,
    assign: bool,
) -> Result<CareTeamAssignment, GqlError> {
    let cx = request_ctx(ctx)?;
    let tenant = cx.tenant()?;
    let assignment = Assignment { clinician_id: ids::user_id(clinician)?, client_id: ids::user_id(client)? };
    identity(ctx)?.change_care_team(cx, tenant, assignment, assign).await?;
    Ok(CareTeamAssignment(assignment))
}
