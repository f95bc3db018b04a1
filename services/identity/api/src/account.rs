//! The caller's own account: `/v1/me`, `/v1/me/tenants`, `/v1/me/sessions`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tp_ids::{SessionId, TenantId, UserId};

/// `GET /v1/me`: the signed-in person (API clients have no profile: 403).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub user_id: UserId,
    pub email: String,
    pub display_name: Option<String>,
    pub email_verified: bool,
    pub mfa_enrolled: bool,
}

/// One practice the person belongs to, from `GET /v1/me/tenants`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyTenant {
    pub tenant_id: TenantId,
    pub slug: String,
    pub name: String,
    /// Wire names of `tp_auth::Role`.
    pub roles: Vec<String>,
    /// The practice's status (`active`, `suspended`); offboarded practices are left out.
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyTenants {
    pub tenants: Vec<MyTenant>,
}

/// One live sign-in session of the caller, from `GET /v1/me/sessions`. Sessions ended,
/// expired or idle past the practice's timeout are left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub session_id: SessionId,
    /// The practice the session is bound to, once one was chosen.
    pub tenant_id: Option<TenantId>,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// When the absolute timeout ends it.
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sessions {
    pub sessions: Vec<Session>,
}
