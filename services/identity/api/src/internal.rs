//! Bodies of identity's internal API, which other services call with the caller's token,
//! and the Redis key through which identity tells them a care-team answer went stale.

use serde::{Deserialize, Serialize};
use tp_ids::TenantId;
use uuid::Uuid;

/// The Redis key holding `tenant`'s care-team stamp. identity sets it to a fresh random value
/// after every committed change to the tenant's care teams (an assignment made or ended, a
/// member leaving), before it answers the request. A service that keeps identity's care-team
/// answers uses one only while the stamp it read before asking is still the stamp now, so
/// once an unassignment has been answered, no cached "assigned" survives it. A keeper that
/// finds no stamp writes a fresh random one itself (`SET NX`), never reusing a value.
pub fn care_team_stamp_key(tenant: TenantId) -> String {
    format!("care-team-stamp:{tenant}")
}

/// `POST /internal/v1/notifications/break-glass`: records opened a chart under break-glass
/// (grant `grant_id`, by the caller); identity emails the practice admins. Ids only: the
/// email names no one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreakGlassNotice {
    pub grant_id: Uuid,
}

/// The answer: how many practice admins were emailed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notified {
    pub notified: usize,
}

/// `POST /internal/v1/notifications/records-link`: consent emails an outside provider the
/// link to records a client of the caller's practice approved for them (the client's own
/// token). identity builds the URL from its configured base (`identity.shared_records_url`)
/// and these opaque pieces only: the practice is the token's, `request_id` the records
/// request, `token` the link's secret (43 characters of URL-safe base64). The email says
/// nothing of the client, the practice or the records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordsLinkNotice {
    pub request_id: Uuid,
    pub token: String,
    pub email: String,
}
