//! The URL paths of identity's `/v1` API, built in one place for every caller.

use tp_ids::{ClientId, SessionId, TenantId, UserId};

pub const ME: &str = "/v1/me";
pub const MY_TENANTS: &str = "/v1/me/tenants";
pub const MY_SESSIONS: &str = "/v1/me/sessions";

/// `POST` (internal, caller's token): email the practice admins about a break-glass opening.
pub const BREAK_GLASS_NOTIFICATION: &str = "/internal/v1/notifications/break-glass";

/// `POST` (internal, the approving client's token): email an outside provider the link to
/// records shared with them (`internal::RecordsLinkNotice`).
pub const RECORDS_LINK_NOTIFICATION: &str = "/internal/v1/notifications/records-link";

/// Most ids a caller may ask for in one [`users`] lookup.
pub const MAX_USER_LOOKUP: usize = 100;

pub fn my_session(session: SessionId) -> String {
    format!("/v1/me/sessions/{session}")
}

pub fn tenant(tenant: TenantId) -> String {
    format!("/v1/tenants/{tenant}")
}

pub fn policy(tenant: TenantId) -> String {
    format!("/v1/tenants/{tenant}/policy")
}

pub fn members(tenant: TenantId) -> String {
    format!("/v1/tenants/{tenant}/members")
}

pub fn member_roles(tenant: TenantId, user: UserId) -> String {
    format!("/v1/tenants/{tenant}/members/{user}/roles")
}

pub fn member(tenant: TenantId, user: UserId) -> String {
    format!("/v1/tenants/{tenant}/members/{user}")
}

pub fn invites(tenant: TenantId) -> String {
    format!("/v1/tenants/{tenant}/invites")
}

/// `GET ?ids=a,b,c` (at most [`MAX_USER_LOOKUP`]): the practice's people by id.
pub fn users(tenant: TenantId) -> String {
    format!("/v1/tenants/{tenant}/users")
}

pub fn care_team(tenant: TenantId) -> String {
    format!("/v1/tenants/{tenant}/care-team")
}

pub fn api_clients(tenant: TenantId) -> String {
    format!("/v1/tenants/{tenant}/api-clients")
}

pub fn api_client(tenant: TenantId, client: &ClientId) -> String {
    format!("/v1/tenants/{tenant}/api-clients/{client}")
}

pub fn approve_api_client(tenant: TenantId, client: &ClientId) -> String {
    format!("/v1/tenants/{tenant}/api-clients/{client}/approve")
}
