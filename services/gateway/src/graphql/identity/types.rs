//! GraphQL types of the identity domain, built from identity's wire types. Nothing here
//! calls a service except through the loaders and the client in the context.

use async_graphql::{ComplexObject, Enum, ID, InputObject, SimpleObject};
use chrono::{DateTime, Utc};
use tp_authz::Permission;
use tp_identity_api::admin;

use crate::graphql::context::Require;

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
