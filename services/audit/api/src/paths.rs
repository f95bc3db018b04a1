//! The URL paths of the audit service's read API.

use tp_ids::TenantId;

/// Largest page either listing returns.
pub const MAX_PAGE: usize = 100;

/// `GET`: the practice's audit events, newest first (practice admins). Query parameters,
/// all optional: `first` (1-100, default 50), `after` (an event id: the page continues after
/// it), `action` (a prefix such as `records.` or `identity.sign_in`), `actor_id`,
/// `subject_id`, `since` and `until` (RFC 3339).
pub fn events(tenant: TenantId) -> String {
    format!("/v1/tenants/{tenant}/audit/events")
}

/// `GET`: who accessed the calling client's record, newest first (the client's own view):
/// the events of the records service whose subject is the caller. `first` and `after` as
/// above.
pub fn record_access(tenant: TenantId) -> String {
    format!("/v1/tenants/{tenant}/audit/record-access")
}
