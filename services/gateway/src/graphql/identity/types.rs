//! GraphQL types of the identity domain, built from identity's wire types. Nothing here
//! calls a service except through the loaders and the client in the context.

use async_graphql::{ComplexObject, Context, Enum, ID, InputObject, SimpleObject};
use chrono::{DateTime, Utc};
use tp_authz::Permission;
use tp_identity_api::{account, admin};

use crate::graphql::context::{Require, request_ctx};
use crate::graphql::error::GqlError;

/// A role in a practice (or on the platform).
// `remote` derives the conversions both ways with `tp_auth::Role`.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "Role", remote = "tp_auth::Role")]
pub enum RoleGql {
    PracticeAdmin,
    Clinician,
    Staff,
    Client,
    ApiClient,
    PlatformOperator,
}

/// Roles from the wire; a name this gateway does not know is left out rather than failing
/// the whole answer (a newer identity may add roles first).
pub fn roles(names: &[String]) -> Vec<RoleGql> {
    names.iter().filter_map(|name| name.parse::<tp_auth::Role>().ok()).map(RoleGql::from).collect()
}

pub fn role_names(roles: &[RoleGql]) -> Vec<String> {
    roles.iter().map(|role| tp_auth::Role::from(*role).as_str().to_owned()).collect()
}

#[derive(SimpleObject)]
pub struct SessionPolicy {
    pub mfa_required_roles: Vec<RoleGql>,
    pub idle_timeout_secs: u32,
    pub absolute_timeout_secs: u32,
}

/// The caller's practice and its settings.
#[derive(SimpleObject)]
pub struct Tenant {
    pub id: ID,
    pub slug: String,
    pub name: String,
    /// `active`, `suspended` or `offboarded`.
    pub status: String,
    pub policy: SessionPolicy,
    pub created_at: DateTime<Utc>,
}

impl From<admin::Tenant> for Tenant {
    fn from(t: admin::Tenant) -> Self {
        let policy = SessionPolicy {
            mfa_required_roles: roles(&t.policy.mfa_required_roles),
            idle_timeout_secs: t.policy.idle_timeout_secs,
            absolute_timeout_secs: t.policy.absolute_timeout_secs,
        };
        Self {
            id: ID(t.id.to_string()),
            slug: t.slug,
            name: t.name,
            status: t.status,
            policy,
            created_at: t.created_at,
        }
    }
}

#[derive(InputObject)]
pub struct SessionPolicyInput {
    pub mfa_required_roles: Vec<RoleGql>,
    pub idle_timeout_secs: u32,
    pub absolute_timeout_secs: u32,
}

/// A member of the practice as practice admins see them, contact details included.
#[derive(SimpleObject)]
pub struct Member {
    pub id: ID,
    pub email: String,
    pub display_name: Option<String>,
    pub roles: Vec<RoleGql>,
    /// `active` or `invited`.
    pub status: String,
}

impl From<admin::Member> for Member {
    fn from(m: admin::Member) -> Self {
        Self {
            id: ID(m.user_id.to_string()),
            roles: roles(&m.roles),
            email: m.email,
            display_name: m.display_name,
            status: m.status,
        }
    }
}

/// A person of the practice as the directory shows them. `email` is minimum necessary:
/// only callers who may read members get it.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct User {
    pub id: ID,
    pub display_name: Option<String>,
    pub roles: Vec<RoleGql>,
    #[graphql(skip)]
    pub email_value: Option<String>,
}

#[ComplexObject]
impl User {
    #[graphql(guard = "Require(Permission::MembersRead)")]
    async fn email(&self) -> Option<&str> {
        self.email_value.as_deref()
    }
}

impl From<admin::DirectoryEntry> for User {
    fn from(u: admin::DirectoryEntry) -> Self {
        Self {
            id: ID(u.user_id.to_string()),
            display_name: u.display_name,
            roles: roles(&u.roles),
            email_value: u.email,
        }
    }
}

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

#[derive(SimpleObject)]
pub struct ApiClient {
    pub id: ID,
    pub name: String,
    pub scopes: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub revoked: bool,
    pub approved: bool,
}

impl From<admin::ApiClient> for ApiClient {
    fn from(c: admin::ApiClient) -> Self {
        Self {
            id: ID(c.client_id.to_string()),
            name: c.name,
            scopes: c.scopes,
            created_at: c.created_at,
            revoked: c.revoked,
            approved: c.approved,
        }
    }
}

/// A new API client: the only time its secret is shown.
#[derive(SimpleObject)]
pub struct CreatedApiClient {
    pub id: ID,
    pub secret: String,
    pub name: String,
    pub scopes: Vec<String>,
    pub approved: bool,
}

impl From<admin::CreatedApiClient> for CreatedApiClient {
    fn from(c: admin::CreatedApiClient) -> Self {
        Self {
            id: ID(c.client_id.to_string()),
            secret: c.client_secret,
            name: c.name,
            scopes: c.scopes,
            approved: c.approved,
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
