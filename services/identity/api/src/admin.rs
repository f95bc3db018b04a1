//! Practice administration under `/v1/tenants/{tenant}`: settings, members, invitations,
//! the directory, care teams and API clients.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tp_ids::{ClientId, TenantId, UserId};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// Wire names of the roles that must use a second factor.
    pub mfa_required_roles: Vec<String>,
    pub idle_timeout_secs: u32,
    pub absolute_timeout_secs: u32,
}

/// `GET /v1/tenants/{tenant}` and the answer of every tenant change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tenant {
    pub id: TenantId,
    pub slug: String,
    pub name: String,
    /// `active`, `suspended` or `offboarded`.
    pub status: String,
    pub policy: Policy,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tenants {
    pub tenants: Vec<Tenant>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub user_id: UserId,
    pub email: String,
    pub display_name: Option<String>,
    pub roles: Vec<String>,
    /// `active` or `invited`.
    pub status: String,
}

/// `GET /v1/tenants/{tenant}/members?first=N&after=USER_ID`: members ordered by user id.
/// `first` defaults to 50 and is at most 100.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberPage {
    pub members: Vec<Member>,
    /// Whether members follow the last one on this page.
    pub has_next_page: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invite {
    pub email: String,
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roles {
    pub roles: Vec<String>,
}

/// A person of the practice as the directory shows them: no contact details unless the
/// caller may read members (`email` is `None` otherwise).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryEntry {
    pub user_id: UserId,
    pub display_name: Option<String>,
    pub roles: Vec<String>,
    pub email: Option<String>,
}

/// `GET /v1/tenants/{tenant}/users?ids=…`: the ids that are members of the practice;
/// unknown ids and other practices' people are left out, never an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Directory {
    pub users: Vec<DirectoryEntry>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub clinician_id: UserId,
    pub client_id: UserId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignments {
    pub assignments: Vec<Assignment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiClient {
    pub name: String,
    pub scopes: Vec<String>,
}

/// The answer to registering an API client: the only time the secret is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedApiClient {
    pub client_id: ClientId,
    pub client_secret: String,
    pub name: String,
    pub scopes: Vec<String>,
    /// `false` when an operator registered it: a practice admin must approve it first.
    pub approved: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiClient {
    pub client_id: ClientId,
    pub name: String,
    pub scopes: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub revoked: bool,
    pub approved: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiClients {
    pub api_clients: Vec<ApiClient>,
}
