//! Queries of the audit domain: Relay connections over the audit service's pages.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Object};
use tp_audit_api::events::EventPage;
use tp_audit_api::paths::MAX_PAGE;
use tp_authz::Permission;

use crate::downstream::audit::{AuditClient, EventFilter};
use crate::graphql::audit::types::{AuditEvent, AuditEventFilter};
use crate::graphql::context::{Require, data, request_ctx};
use crate::graphql::error::GqlError;
use crate::graphql::ids;

#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// The practice's audit log, newest first (practice admins).
    #[graphql(
        guard = "Require(Permission::AuditRead)",
        complexity = "(*first.as_ref().unwrap_or(&20)).clamp(1, 100) as usize * child_complexity"
    )]
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        filter: Option<AuditEventFilter>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, AuditEvent>, GqlError> {
        let cx = request_ctx(ctx)?;
        let (first, after) = (page_size(first)?, after.as_deref().map(ids::parse_event_cursor).transpose()?);
        let filter = filter.unwrap_or_default();
        let filter = EventFilter {
            action: filter.action,
            actor_id: filter.actor_id.map(|id| id.0),
            subject_id: filter.subject_id.map(|id| id.0),
            since: filter.since,
            until: filter.until,
        };
        let page = data::<AuditClient>(ctx)?.events(cx, cx.tenant()?, &filter, first, after).await?;
        Ok(connection(page, after.is_some()))
    }

    /// Who accessed my record: every access to the calling client's chart, newest first,
    /// with the person, their role, what they did, when and why.
    #[graphql(
        guard = "Require(Permission::OwnRecordAccess)",
        complexity = "(*first.as_ref().unwrap_or(&20)).clamp(1, 100) as usize * child_complexity"
    )]
    async fn my_record_access(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, AuditEvent>, GqlError> {
        let cx = request_ctx(ctx)?;
        let (first, after) = (page_size(first)?, after.as_deref().map(ids::parse_event_cursor).transpose()?);
        let page = data::<AuditClient>(ctx)?.record_access(cx, cx.tenant()?, first, after).await?;
        Ok(connection(page, after.is_some()))
    }
}

fn page_size(first: Option<i32>) -> Result<usize, GqlError> {
    let first = first.unwrap_or(20);
    usize::try_from(first)
        .ok()
        .filter(|n| (1..=MAX_PAGE).contains(n))
        .ok_or_else(|| GqlError::bad_input(format!("first must be between 1 and {MAX_PAGE}")))
}

fn connection(page: EventPage, has_previous: bool) -> Connection<String, AuditEvent> {
    let mut connection = Connection::new(has_previous, page.has_next_page);
    connection
        .edges
        .extend(page.events.into_iter().map(|event| Edge::new(ids::event_cursor(event.id), AuditEvent::from(event))));
    connection
}
