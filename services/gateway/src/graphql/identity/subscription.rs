//! Live identity events: care-team and membership changes in the caller's practice.
//!
//! Every subscription is authorized when it starts, and every event is checked again
//! before it is sent: the event must be of the caller's tenant and concern them (or they
//! must be allowed to see all of that kind), and the caller's token must still be valid
//! and not revoked. When it is not, the subscription ends.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, SimpleObject, Subscription};
use chrono::{DateTime, Utc};
use futures_util::Stream;
use tokio::sync::broadcast::error::RecvError;
use tp_authz::Permission;
use tp_identity_api::events::{Event, EventKind};

use crate::events::EventHub;
use crate::gate::Gate;
use crate::graphql::context::{Authenticated, RequestCtx, Require, request_ctx};
use crate::graphql::error::GqlError;

#[derive(Default)]
pub struct IdentitySubscription;

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum CareTeamChange {
    Assigned,
    Unassigned,
}

#[derive(SimpleObject)]
pub struct CareTeamEvent {
    pub change: CareTeamChange,
    pub clinician_id: ID,
    pub client_id: ID,
    pub at: DateTime<Utc>,
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum MemberChange {
    Invited,
    RolesChanged,
    Removed,
}

#[derive(SimpleObject)]
pub struct MemberEvent {
    pub change: MemberChange,
    /// The member concerned; absent for an invitation.
    pub user_id: Option<ID>,
    pub at: DateTime<Utc>,
}

#[Subscription]
impl IdentitySubscription {
    /// Care-team changes: all of the practice for those who may read care teams, a
    /// clinician's own assignments for a clinician.
    #[graphql(guard = "Authenticated")]
    #[expect(clippy::unused_async, reason = "async-graphql subscription fields are async")]
    async fn care_team_changes(&self, ctx: &Context<'_>) -> Result<impl Stream<Item = CareTeamEvent>, GqlError> {
        let cx = request_ctx(ctx)?.clone();
        let principal = cx.principal()?;
        let tenant = cx.tenant()?;
        let sees_all = cx.require(Permission::CareTeamsRead).is_ok();
        let own = match principal.actor() {
            tp_auth::Actor::User(user) if principal.has_role(tp_auth::Role::Clinician) => Some(*user),
            _ => None,
        };
        if !sees_all && own.is_none() {
            return Err(GqlError::forbidden());
        }
        let filter = move |event: &Event| {
            let kind = match event.kind {
                EventKind::CareTeamAssigned => CareTeamChange::Assigned,
                EventKind::CareTeamUnassigned => CareTeamChange::Unassigned,
                _ => return None,
            };
            let (Some(clinician), Some(client)) = (event.user_id, event.client_id) else { return None };
            if event.tenant_id != tenant || !(sees_all || own == Some(clinician)) {
                return None;
            }
            let (clinician_id, client_id) = (ID(clinician.to_string()), ID(client.to_string()));
            Some(CareTeamEvent { change: kind, clinician_id, client_id, at: event.at })
        };
        filtered(ctx, cx, filter)
    }

    /// Membership changes of the practice, for those who may read members.
    #[graphql(guard = "Require(Permission::MembersRead)")]
    #[expect(clippy::unused_async, reason = "async-graphql subscription fields are async")]
    async fn member_changes(&self, ctx: &Context<'_>) -> Result<impl Stream<Item = MemberEvent>, GqlError> {
        let cx = request_ctx(ctx)?.clone();
        let tenant = cx.tenant()?;
        let filter = move |event: &Event| {
            let change = match event.kind {
                EventKind::MemberInvited => MemberChange::Invited,
                EventKind::MemberRolesChanged => MemberChange::RolesChanged,
                EventKind::MemberRemoved => MemberChange::Removed,
                _ => return None,
            };
            (event.tenant_id == tenant).then(|| MemberEvent {
                change,
                user_id: event.user_id.map(|u| ID(u.to_string())),
                at: event.at,
            })
        };
        filtered(ctx, cx, filter)
    }
}

/// The hub's events mapped through `filter`, for as long as the caller's token holds.
fn filtered<T, F>(ctx: &Context<'_>, cx: RequestCtx, filter: F) -> Result<impl Stream<Item = T> + use<T, F>, GqlError>
where
    T: Send + 'static,
    F: Fn(&Event) -> Option<T> + Send + Sync + 'static,
{
    let receiver = crate::graphql::context::data::<EventHub>(ctx)?.subscribe();
    let gate = crate::graphql::context::data::<Gate>(ctx)?.clone();
    let state = (receiver, gate, cx, Arc::new(filter));
    Ok(futures_util::stream::unfold(state, |(mut receiver, gate, cx, filter)| async move {
        loop {
            let event = match receiver.recv().await {
                Ok(event) => event,
                Err(RecvError::Lagged(skipped)) => {
                    tracing::warn!(skipped, "a slow subscriber skipped live events");
                    continue;
                }
                Err(RecvError::Closed) => return None,
            };
            let Some(item) = filter(&event) else { continue };
            if !gate.still_valid(&cx).await {
                return None;
            }
            return Some((item, (receiver, gate, cx, filter)));
        }
    }))
}
