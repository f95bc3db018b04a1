//! `me`: the caller as the token says, and what identity knows of them (profile, practices,
//! sessions).

use async_graphql::{ComplexObject, Context, Enum, ID, SimpleObject};
use chrono::{DateTime, Utc};
use tp_authz::Permission;
use tp_identity_api::account;

use crate::graphql::context::{Require, request_ctx};
use crate::graphql::error::GqlError;
use crate::graphql::identity::types::{RoleGql, roles};

/// One practice the signed-in person belongs to.
#[derive(SimpleObject)]
pub struct Membership {
    pub tenant_id: ID,
    pub slug: String,
    pub name: String,
    pub roles: Vec<RoleGql>,
    pub status: String,
}

impl From<account::MyTenant> for Membership {
    fn from(t: account::MyTenant) -> Self {
        Self {
            tenant_id: ID(t.tenant_id.to_string()),
            slug: t.slug,
            name: t.name,
            roles: roles(&t.roles),
            status: t.status,
        }
    }
}

#[derive(SimpleObject)]
pub struct Profile {
    pub email: String,
    pub display_name: Option<String>,
    pub email_verified: bool,
    pub mfa_enrolled: bool,
}

impl From<account::Profile> for Profile {
    fn from(p: account::Profile) -> Self {
        Self {
            email: p.email,
            display_name: p.display_name,
            email_verified: p.email_verified,
            mfa_enrolled: p.mfa_enrolled,
        }
    }
}

/// One of the caller's live sign-in sessions.
#[derive(SimpleObject)]
pub struct Session {
    pub id: ID,
    pub tenant_id: Option<ID>,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// The session of the token making this request.
    pub current: bool,
}

impl Session {
    pub fn from_wire(s: account::Session, current: tp_ids::SessionId) -> Self {
        Self {
            id: ID(s.session_id.to_string()),
            tenant_id: s.tenant_id.map(|t| ID(t.to_string())),
            created_at: s.created_at,
            last_seen_at: s.last_seen_at,
            expires_at: s.expires_at,
            current: s.session_id == current,
        }
    }
}

/// Who is calling, as the verified token says; the complex fields ask identity.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Viewer {
    /// The user id, or the API client id for a machine.
    pub id: ID,
    pub kind: ViewerKind,
    /// The practice the token is for; none for platform operators.
    pub tenant_id: Option<ID>,
    pub roles: Vec<RoleGql>,
    pub scopes: Vec<String>,
    /// When the access token of this request expires.
    pub token_expires_at: DateTime<Utc>,
}

impl Viewer {
    pub fn of(principal: &tp_auth::Principal) -> Self {
        let (id, kind) = match principal.actor() {
            tp_auth::Actor::User(user) => (user.to_string(), ViewerKind::Person),
            tp_auth::Actor::Client(client) => (client.to_string(), ViewerKind::ApiClient),
        };
        Self {
            id: ID(id),
            kind,
            tenant_id: principal.tenant_opt().map(|t| ID(t.to_string())),
            roles: principal.roles().iter().map(RoleGql::from).collect(),
            scopes: principal.scopes().iter().map(str::to_owned).collect(),
            token_expires_at: principal.expires_at(),
        }
    }
}

#[ComplexObject]
impl Viewer {
    // The fields below come from identity. They are nullable so that when identity is
    // down only they fail (UNAVAILABLE), and the rest of `me` still answers.

    /// The person's profile. People only.
    #[graphql(guard = "Require(Permission::OwnAccount)")]
    async fn profile(&self, ctx: &Context<'_>) -> Result<Option<Profile>, GqlError> {
        let cx = request_ctx(ctx)?;
        Ok(Some(super::identity(ctx)?.profile(cx).await?.into()))
    }

    /// The practices the person belongs to.
    #[graphql(guard = "Require(Permission::OwnAccount)")]
    async fn memberships(&self, ctx: &Context<'_>) -> Result<Option<Vec<Membership>>, GqlError> {
        let cx = request_ctx(ctx)?;
        Ok(Some(super::identity(ctx)?.my_tenants(cx).await?.tenants.into_iter().map(Into::into).collect()))
    }

    /// The person's live sign-in sessions.
    #[graphql(guard = "Require(Permission::OwnAccount)")]
    async fn sessions(&self, ctx: &Context<'_>) -> Result<Option<Vec<Session>>, GqlError> {
        let cx = request_ctx(ctx)?;
        let current = cx.principal()?.session();
        let sessions = super::identity(ctx)?.my_sessions(cx).await?.sessions;
        Ok(Some(sessions.into_iter().map(|s| Session::from_wire(s, current)).collect()))
    }
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ViewerKind {
    Person,
    ApiClient,
}
