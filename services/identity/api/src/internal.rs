//! Bodies of identity's internal API, which other services call with the caller's token.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

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
