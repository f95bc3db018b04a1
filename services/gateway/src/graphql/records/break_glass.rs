//! Break-glass in the schema: a clinician opens the chart of a client off their care team
//! (a reason is required; records limits it in time, to reading, and flags every access),
//! and practice admins review the openings.

use async_graphql::dataloader::DataLoader;
use async_graphql::{ComplexObject, Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use tp_authz::Permission;
use tp_records_api::break_glass::{BreakGlassGrant as Wire, BreakGlassInput};

use crate::graphql::context::{Require, data, request_ctx};
use crate::graphql::error::GqlError;
use crate::graphql::identity::loaders::DirectoryLoader;
use crate::graphql::identity::types::User;
use crate::graphql::ids;
use crate::graphql::records::records;

/// An emergency opening of a chart: who, whose, why, and until when it lets them read.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct BreakGlassGrant {
    pub id: ID,
    pub client_id: ID,
    pub clinician_id: ID,
    pub reason: String,
    pub opened_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[ComplexObject]
impl BreakGlassGrant {
    /// The clinician who opened the chart (through the directory, batched per answer).
    async fn clinician(&self, ctx: &Context<'_>) -> Result<Option<User>, GqlError> {
        let Ok(user) = tp_ids::UserId::parse(&self.clinician_id) else { return Ok(None) };
        Ok(data::<DataLoader<DirectoryLoader>>(ctx)?.load_one(user).await?.map(User::from))
    }
}

impl From<Wire> for BreakGlassGrant {
    fn from(g: Wire) -> Self {
        Self {
            id: ID(g.id.to_string()),
            client_id: ID(g.client_id.to_string()),
            clinician_id: ID(g.clinician_id.to_string()),
            reason: g.reason,
            opened_at: g.opened_at,
            expires_at: g.expires_at,
        }
    }
}

#[derive(Default)]
pub struct BreakGlassQuery;

#[Object]
impl BreakGlassQuery {
    /// The practice's break-glass openings, newest first (at most 200): practice admins.
    /// Reading them is audited.
    #[graphql(guard = "Require(Permission::AuditRead)")]
    async fn break_glass_openings(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = false)] active_only: bool,
    ) -> Result<Vec<BreakGlassGrant>, GqlError> {
        let cx = request_ctx(ctx)?;
        let list = records(ctx)?.break_glass_openings(cx, cx.tenant()?, active_only).await?;
        Ok(list.grants.into_iter().map(Into::into).collect())
    }
}

#[derive(Default)]
pub struct BreakGlassMutation;

#[Object]
impl BreakGlassMutation {
    /// Opens, in an emergency, the chart of a client who is not on the caller's care team:
    /// reading only, for a limited time, every access flagged, the practice admins told.
    #[graphql(guard = "Require(Permission::BreakGlass)")]
    async fn break_glass(&self, ctx: &Context<'_>, client_id: ID, reason: String) -> Result<BreakGlassGrant, GqlError> {
        let cx = request_ctx(ctx)?;
        let key = (cx.tenant()?, ids::user_id(&client_id)?);
        Ok(records(ctx)?.break_glass(cx, key, &BreakGlassInput { reason }).await?.into())
    }
}
