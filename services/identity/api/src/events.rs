//! Events identity publishes on Redis after a change commits, for live subscriptions.
//!
//! They carry ids only, never a name or an email: a subscriber that is allowed to know
//! more asks identity. Delivery is best effort (Redis pub/sub); nothing relies on an event
//! for correctness.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tp_ids::{TenantId, UserId};

/// Channel pattern a subscriber uses to receive every tenant's identity events.
pub const CHANNEL_PATTERN: &str = "events:identity:*";

/// The channel of one tenant's identity events.
pub fn channel(tenant: TenantId) -> String {
    format!("events:identity:{tenant}")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    MemberInvited,
    MemberRolesChanged,
    MemberRemoved,
    CareTeamAssigned,
    CareTeamUnassigned,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub tenant_id: TenantId,
    pub kind: EventKind,
    /// The member concerned (membership events) or the clinician (care-team events).
    /// `None` for an invitation, whose invitee may not have an account yet.
    pub user_id: Option<UserId>,
    /// The client of a care-team event.
    pub client_id: Option<UserId>,
    pub at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_round_trip_and_name_their_kind_in_snake_case() {
        let event = Event {
            tenant_id: TenantId::generate(),
            kind: EventKind::CareTeamAssigned,
            user_id: Some(UserId::generate()),
            client_id: Some(UserId::generate()),
            at: Utc::now(),
        };
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(json["kind"], "care_team_assigned");
        assert_eq!(serde_json::from_value::<Event>(json).unwrap(), event);
        assert!(channel(event.tenant_id).starts_with(CHANNEL_PATTERN.trim_end_matches('*')));
    }
}
