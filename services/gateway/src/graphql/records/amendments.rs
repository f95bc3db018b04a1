//! Amendment requests (right to amend) in the schema: the client requests a correction of
//! their own chart, a reviewer of the care team accepts or declines it with a reason, and
//! both read them as `Client.amendmentRequests`. records decides who may; the text is PHI.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use tp_authz::Permission;
use tp_records_api::amendments;

use crate::graphql::context::{Require, request_ctx};
use crate::graphql::error::GqlError;
use crate::graphql::ids;
use crate::graphql::records::records;

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "tp_records_api::amendments::AmendmentStatus")]
pub enum AmendmentStatus {
    Pending,
    Accepted,
    Declined,
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "tp_records_api::amendments::AmendmentDecision")]
pub enum AmendmentDecision {
    Accepted,
    Declined,
}

/// What is wrong, what it should say, optionally which item of the chart.
#[derive(InputObject)]
pub struct AmendmentRequestInput {
    pub what_is_wrong: String,
    pub should_say: String,
    pub item: Option<String>,
}

#[derive(InputObject)]
pub struct AmendmentReviewInput {
    pub decision: AmendmentDecision,
    pub reason: String,
}

/// A request; `reviewedBy`, `reviewedAt` and `reason` are set once decided.
#[derive(SimpleObject)]
pub struct AmendmentRequest {
    pub id: ID,
    pub requested_by: ID,
    pub what_is_wrong: String,
    pub should_say: String,
    pub item: Option<String>,
    pub status: AmendmentStatus,
    pub reviewed_by: Option<ID>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<amendments::AmendmentRequest> for AmendmentRequest {
    fn from(r: amendments::AmendmentRequest) -> Self {
        Self {
            id: ID(r.id.to_string()),
            requested_by: ID(r.requested_by.to_string()),
            what_is_wrong: r.what_is_wrong,
            should_say: r.should_say,
            item: r.item,
            status: r.status.into(),
            reviewed_by: r.reviewed_by.map(|u| ID(u.to_string())),
            reviewed_at: r.reviewed_at,
            reason: r.reason,
            created_at: r.created_at,
        }
    }
}

#[derive(Default)]
pub struct AmendmentsMutation;

#[Object]
impl AmendmentsMutation {
    /// The caller (a client) asks for a correction of their own chart.
    #[graphql(guard = "Require(Permission::AmendmentsRequest)")]
    async fn request_amendment(
        &self,
        ctx: &Context<'_>,
        client_id: ID,
        input: AmendmentRequestInput,
    ) -> Result<AmendmentRequest, GqlError> {
        let cx = request_ctx(ctx)?;
        let key = (cx.tenant()?, ids::user_id(&client_id)?);
        let input = amendments::AmendmentRequestInput {
            what_is_wrong: input.what_is_wrong,
            should_say: input.should_say,
            item: input.item,
        };
        Ok(records(ctx)?.request_amendment(cx, key, &input).await?.into())
    }

    /// Accepts or declines a pending request with a reason the client will read.
    #[graphql(guard = "Require(Permission::AmendmentsReview)")]
    async fn review_amendment(
        &self,
        ctx: &Context<'_>,
        client_id: ID,
        request_id: ID,
        input: AmendmentReviewInput,
    ) -> Result<AmendmentRequest, GqlError> {
        let cx = request_ctx(ctx)?;
        let key = (cx.tenant()?, ids::user_id(&client_id)?, ids::item_id(&request_id)?);
        let input = amendments::AmendmentReview { decision: input.decision.into(), reason: input.reason };
        Ok(records(ctx)?.review_amendment(cx, key, &input).await?.into())
    }
}
