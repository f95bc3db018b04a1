//! identity's events for live subscriptions (`tp_identity_api::events`), published with
//! Redis PUBLISH on the tenant's channel once the change they report has committed.
//!
//! Best effort on purpose: pub/sub is fire-and-forget, a subscriber that misses an event
//! refetches, and nothing relies on an event for correctness, so a Redis failure is logged
//! (kind and tenant only, never who) and the request that made the change still succeeds.
//! Not here: a transactional outbox with guaranteed delivery (the architecture's `bus`,
//! for consumers that must not miss an event).

use chrono::Utc;
use tp_identity_api::events::{Event, EventKind, channel};
use tp_ids::{TenantId, UserId};

use crate::state::AppState;

/// An event of `tenant` happening now.
pub(crate) fn event(tenant: TenantId, kind: EventKind, user_id: Option<UserId>, client_id: Option<UserId>) -> Event {
    Event { tenant_id: tenant, kind, user_id, client_id, at: Utc::now() }
}

/// Publishes `event` on its tenant's channel. Call it after the change committed: an event
/// for a change that rolled back would send subscribers after something that never happened.
#[tracing::instrument(skip_all, fields(tenant = %event.tenant_id, kind = ?event.kind))]
pub(crate) async fn publish(state: &AppState, event: Event) {
    let payload = match serde_json::to_string(&event) {
        Ok(payload) => payload,
        Err(err) => {
            tracing::warn!(error = %err, "identity event not serialised");
            return;
        }
    };
    let mut redis = state.redis.clone();
    let sent = redis::cmd("PUBLISH").arg(channel(event.tenant_id)).arg(payload).query_async::<i64>(&mut redis).await;
    if let Err(err) = sent {
        tracing::warn!(error = %tp_errors::error_chain(&err), "identity event not published");
    }
}
