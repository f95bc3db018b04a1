//! The audit log's read API: [`events`] (a practice admin searches the practice's log) and
//! [`record_access`] (a client sees who accessed their record: the records and consent
//! services' events whose subject is them). Both newest first, `first` + 1 fetched to tell
//! whether a next page exists, in one `TenantTx` of the practice.
//!
//! The practice search is itself audited (`audit.events.searched`, in the same transaction:
//! no event, no answer). The client's own view is not: a record of a person looking at
//! their own access log would mostly fill that log with itself. Refusals are not recorded
//! here either (the caller gets 403/404 and the request log has them).

use tp_audit_api::events::EventPage;
use tp_audit_log::{AuditEvent, Outcome, action};
use tp_auth::{Actor, Principal};
use tp_authz::Permission;
use tp_db::TenantTx;
use tp_ids::{RequestId, TenantId};

use crate::db::events::{self, Scope};
use crate::domain::search::{Filter, Page};
use crate::error::Error;
use crate::state::AppState;

/// The practice's events matching `filter`, for its practice admins.
#[tracing::instrument(skip_all, fields(%tenant))]
pub async fn events(
    state: &AppState,
    caller: &Principal,
    request_id: Option<RequestId>,
    tenant: TenantId,
    filter: &Filter,
    page: Page,
) -> Result<EventPage, Error> {
    tp_authz::authorize(caller, Some(tenant), Permission::AuditRead)?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let result = read(&tx, Scope::Practice, filter, page).await?;
    let event = searched_event(caller, request_id, tenant, filter, page, result.events.len());
    tp_audit_log::record(&*tx, &event).await.map_err(|e| Error::Internal(e.into()))?;
    tx.commit().await?;
    Ok(result)
}

/// Who accessed the calling client's record: records' and consent's events about them.
#[tracing::instrument(skip_all, fields(%tenant))]
pub async fn record_access(
    state: &AppState,
    caller: &Principal,
    tenant: TenantId,
    page: Page,
) -> Result<EventPage, Error> {
    tp_authz::authorize(caller, Some(tenant), Permission::OwnRecordAccess)?;
    // A record belongs to a person; an API client has no record of its own.
    let Actor::User(client) = caller.actor() else { return Err(Error::Forbidden) };
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let result = read(&tx, Scope::RecordAbout(*client), &Filter::default(), page).await?;
    tx.commit().await?;
    Ok(result)
}

async fn read(tx: &TenantTx, scope: Scope, filter: &Filter, page: Page) -> Result<EventPage, Error> {
    let after = match page.after {
        // A cursor outside the caller's scope is refused like a malformed one: it is not
        // an event of this listing, and an empty page would hide the mistake.
        Some(id) => Some(events::cursor(tx, scope, id).await?.ok_or(Error::Invalid { field: "after" })?),
        None => None,
    };
    let mut events = events::page(tx, scope, filter, after, page.first + 1).await?;
    let has_next_page = events.len() > page.first;
    events.truncate(page.first);
    Ok(EventPage { events, has_next_page })
}

/// What the admin asked for (codes, ids and times only: no PHI ever reaches a filter) and
/// how many events they were shown.
fn searched_event(
    caller: &Principal,
    request_id: Option<RequestId>,
    tenant: TenantId,
    filter: &Filter,
    page: Page,
    shown: usize,
) -> AuditEvent {
    let mut event =
        AuditEvent::new(action::audit::EVENTS_SEARCHED, Outcome::Success, caller.actor().into()).tenant(tenant);
    let texts = [("action", &filter.action), ("actor_id", &filter.actor_id), ("subject_id", &filter.subject_id)];
    for (key, value) in texts {
        if let Some(value) = value {
            event = event.detail(key, value.clone());
        }
    }
    for (key, value) in [("since", filter.since), ("until", filter.until)] {
        if let Some(value) = value {
            event = event.detail(key, value.to_rfc3339());
        }
    }
    if let Some(after) = page.after {
        event = event.detail("after", after.to_string());
    }
    event = event.detail("shown", shown.to_string());
    match request_id {
        Some(id) => event.request_id(id),
        None => event,
    }
}
