//! GraphQL types of the audit log. Events hold ids and codes only; the person behind an
//! actor id is resolved through the directory loader (one identity call per page).

use async_graphql::dataloader::DataLoader;
use async_graphql::{ComplexObject, Context, InputObject, SimpleObject};
use chrono::{DateTime, Utc};
use tp_audit_api::events::Event;

use crate::graphql::error::GqlError;
use crate::graphql::identity::loaders::DirectoryLoader;
use crate::graphql::identity::types::User;

/// One recorded access or change: who, what, when, with what outcome, and why when it was
/// not the ordinary course of care (an access under a break-glass opening).
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct AuditEvent {
    pub id: async_graphql::ID,
    pub occurred_at: DateTime<Utc>,
    /// e.g. `records.demographics.read`.
    pub action: String,
    /// `success`, `failure` or `denied`.
    pub outcome: String,
    /// `user` (a person), `client` (an API client), `system` or `anonymous`.
    pub actor_kind: String,
    pub actor_id: Option<async_graphql::ID>,
    pub subject_kind: Option<String>,
    pub subject_id: Option<async_graphql::ID>,
    /// Why, when the access was out of the ordinary: `emergency access (break-glass)`.
    pub reason: Option<String>,
    /// The break-glass opening the access came under, if any (its stated reason is in
    /// `breakGlassOpenings`, for practice admins).
    pub break_glass_opening: Option<async_graphql::ID>,
}

#[ComplexObject]
impl AuditEvent {
    /// The person who acted (their current name and roles), when a person did.
    async fn actor(&self, ctx: &Context<'_>) -> Result<Option<User>, GqlError> {
        let (Some(id), "user") = (&self.actor_id, self.actor_kind.as_str()) else { return Ok(None) };
        let Ok(user) = tp_ids::UserId::parse(id) else { return Ok(None) };
        let loader = crate::graphql::context::data::<DataLoader<DirectoryLoader>>(ctx)?;
        Ok(loader.load_one(user).await?.map(User::from))
    }
}

impl From<Event> for AuditEvent {
    fn from(e: Event) -> Self {
        let opening = e.details.get("break_glass").and_then(|r| r.as_str()).map(str::to_owned);
        let reason = opening.as_ref().map(|_| "emergency access (break-glass)".to_owned());
        Self {
            id: async_graphql::ID(e.id.to_string()),
            occurred_at: e.occurred_at,
            action: e.action,
            outcome: e.outcome,
            actor_kind: e.actor_kind,
            actor_id: e.actor_id.map(async_graphql::ID),
            subject_kind: e.subject_kind,
            subject_id: e.subject_id.map(async_graphql::ID),
            reason,
            break_glass_opening: opening.map(async_graphql::ID),
        }
    }
}

/// Narrows the practice's audit search; every field is optional.
#[derive(InputObject, Default)]
pub struct AuditEventFilter {
    /// An action or its prefix: `records.` for everything records recorded.
    pub action: Option<String>,
    pub actor_id: Option<async_graphql::ID>,
    pub subject_id: Option<async_graphql::ID>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}
