//! Typed calls to identity's `/v1` API, with the wire types of `tp_identity_api`.

use reqwest::Method;
use tp_identity_api::account::{MyTenants, Profile, Sessions};
use tp_identity_api::admin::{
    ApiClients, Assignment, Assignments, CreatedApiClient, Directory, Invite, Member, MemberPage, NewApiClient, Policy,
    Roles, Tenant,
};
use tp_identity_api::paths;
use tp_ids::{ClientId, SessionId, TenantId, UserId};

use crate::downstream::Downstream;
use crate::graphql::context::RequestCtx;
use crate::graphql::error::GqlError;

#[derive(Clone)]
pub struct IdentityClient(pub Downstream);

impl IdentityClient {
    pub async fn profile(&self, cx: &RequestCtx) -> Result<Profile, GqlError> {
        self.0.get(cx, paths::ME).await
    }

    pub async fn my_tenants(&self, cx: &RequestCtx) -> Result<MyTenants, GqlError> {
        self.0.get(cx, paths::MY_TENANTS).await
    }

    pub async fn my_sessions(&self, cx: &RequestCtx) -> Result<Sessions, GqlError> {
        self.0.get(cx, paths::MY_SESSIONS).await
    }

    pub async fn end_my_session(&self, cx: &RequestCtx, session: SessionId) -> Result<(), GqlError> {
        self.0.send_unit(cx, Method::DELETE, &paths::my_session(session), None::<&()>).await
    }

    pub async fn tenant(&self, cx: &RequestCtx, tenant: TenantId) -> Result<Tenant, GqlError> {
        self.0.get(cx, &paths::tenant(tenant)).await
    }

    pub async fn set_policy(&self, cx: &RequestCtx, tenant: TenantId, policy: &Policy) -> Result<Tenant, GqlError> {
        self.0.send_json(cx, Method::PUT, &paths::policy(tenant), policy).await
    }

    pub async fn members(
        &self,
        cx: &RequestCtx,
        tenant: TenantId,
        first: usize,
        after: Option<UserId>,
    ) -> Result<MemberPage, GqlError> {
        let mut path = format!("{}?first={first}", paths::members(tenant));
        if let Some(after) = after {
            path.push_str(&format!("&after={after}"));
        }
        self.0.get(cx, &path).await
    }

    pub async fn invite(&self, cx: &RequestCtx, tenant: TenantId, invite: &Invite) -> Result<(), GqlError> {
        self.0.send_unit(cx, Method::POST, &paths::invites(tenant), Some(invite)).await
    }

    pub async fn set_roles(
        &self,
        cx: &RequestCtx,
        tenant: TenantId,
        user: UserId,
        roles: &Roles,
    ) -> Result<Member, GqlError> {
        self.0.send_json(cx, Method::PUT, &paths::member_roles(tenant, user), roles).await
    }

    pub async fn remove_member(&self, cx: &RequestCtx, tenant: TenantId, user: UserId) -> Result<(), GqlError> {
        self.0.send_unit(cx, Method::DELETE, &paths::member(tenant, user), None::<&()>).await
    }

    /// The practice's people among `ids`, in one call (the directory DataLoader's batch).
    pub async fn directory(&self, cx: &RequestCtx, tenant: TenantId, ids: &[UserId]) -> Result<Directory, GqlError> {
        let list: Vec<String> = ids.iter().map(ToString::to_string).collect();
        self.0.get(cx, &format!("{}?ids={}", paths::users(tenant), list.join(","))).await
    }

    pub async fn care_team(
        &self,
        cx: &RequestCtx,
        tenant: TenantId,
        clinician: Option<UserId>,
        client: Option<UserId>,
    ) -> Result<Assignments, GqlError> {
        let mut query = Vec::new();
        if let Some(clinician) = clinician {
            query.push(format!("clinician_id={clinician}"));
        }
        if let Some(client) = client {
            query.push(format!("client_id={client}"));
        }
        self.0.get(cx, &format!("{}?{}", paths::care_team(tenant), query.join("&"))).await
    }

    pub async fn change_care_team(
        &self,
        cx: &RequestCtx,
        tenant: TenantId,
        assignment: Assignment,
        assign: bool,
    ) -> Result<(), GqlError> {
        let method = if assign { Method::POST } else { Method::DELETE };
        self.0.send_unit(cx, method, &paths::care_team(tenant), Some(&assignment)).await
    }

    pub async fn api_clients(&self, cx: &RequestCtx, tenant: TenantId) -> Result<ApiClients, GqlError> {
        self.0.get(cx, &paths::api_clients(tenant)).await
    }

    pub async fn create_api_client(
        &self,
        cx: &RequestCtx,
        tenant: TenantId,
        new: &NewApiClient,
    ) -> Result<CreatedApiClient, GqlError> {
        self.0.send_json(cx, Method::POST, &paths::api_clients(tenant), new).await
    }

    pub async fn revoke_api_client(
        &self,
        cx: &RequestCtx,
        tenant: TenantId,
        client: &ClientId,
    ) -> Result<(), GqlError> {
        self.0.send_unit(cx, Method::DELETE, &paths::api_client(tenant, client), None::<&()>).await
    }

    pub async fn approve_api_client(
        &self,
        cx: &RequestCtx,
        tenant: TenantId,
        client: &ClientId,
    ) -> Result<(), GqlError> {
        self.0.send_unit(cx, Method::POST, &paths::approve_api_client(tenant, client), None::<&()>).await
    }
}
