//! Records requests of providers outside the platform, in the schema: the front desk
//! (practice admins and staff) records a provider's request for a client of the practice,
//! and reads the practice's recorded requests with the one-time code to give the provider by
//! phone once the client approved and the link was emailed. The client answers such a
//! request like any other (`answerRecordsRequest`); the provider downloads through the
//! public page (`/shared-records/…`, `crate::http::shared_records`), never through GraphQL.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use tp_authz::Permission;
use tp_consent_api::disclosure::Recipient as WireRecipient;
use tp_consent_api::transfers as wire;

use crate::graphql::consent::consent;
use crate::graphql::consent::disclosure_types::{DisclosureCategory, Recipient, categories, wire_categories};
use crate::graphql::consent::transfers::RecordsRequestStatus;
use crate::graphql::context::{Require, request_ctx};
use crate::graphql::error::GqlError;
use crate::graphql::ids;

/// The provider outside the platform: the link goes to `email`.
#[derive(InputObject)]
pub struct OutsideProviderInput {
    /// 1–200 characters.
    pub name: String,
    /// At most 200 characters.
    pub organisation: Option<String>,
    pub email: String,
}

/// What the provider asked for, and why (1–500 characters; the client reads it).
#[derive(InputObject)]
pub struct OutsideRecordsRequestInput {
    pub provider: OutsideProviderInput,
    pub purpose: String,
    pub categories: Vec<DisclosureCategory>,
}

/// A request recorded for an outside provider, as the practice reads it.
#[derive(SimpleObject)]
pub struct OutsideRecordsRequest {
    pub id: ID,
    pub client_id: ID,
    pub recipient: Recipient,
    pub purpose: String,
    pub categories: Vec<DisclosureCategory>,
    pub status: RecordsRequestStatus,
    /// The practice member who recorded it.
    pub recorded_by: ID,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub approved: Vec<DisclosureCategory>,
    /// Whether the package waits for the provider (the link was emailed).
    pub packaged: bool,
    pub download_expires_at: Option<DateTime<Utc>>,
    pub downloaded_at: Option<DateTime<Utc>>,
    /// The 8-digit one-time code to give the provider by phone (never by email): only while
    /// the package waits, before it lapses, and while the link is not locked.
    pub code: Option<String>,
    /// Five wrong codes locked the link.
    pub locked: bool,
}

impl From<wire::OutsideRequest> for OutsideRecordsRequest {
    fn from(r: wire::OutsideRequest) -> Self {
        Self {
            id: ID(r.id.to_string()),
            client_id: ID(r.client_id.to_string()),
            recipient: r.recipient.into(),
            purpose: r.purpose,
            categories: categories(r.categories),
            status: r.status.into(),
            recorded_by: ID(r.recorded_by.to_string()),
            created_at: r.created_at,
            expires_at: r.expires_at,
            approved: categories(r.approved),
            packaged: r.packaged,
            download_expires_at: r.download_expires_at,
            downloaded_at: r.downloaded_at,
            code: r.code,
            locked: r.locked,
        }
    }
}

#[derive(Default)]
pub struct OutsideTransfersQuery;

#[Object]
impl OutsideTransfersQuery {
    /// The requests recorded in the practice for outside providers, newest first.
    #[graphql(guard = "Require(Permission::TransfersRecord)")]
    async fn outside_records_requests(&self, ctx: &Context<'_>) -> Result<Vec<OutsideRecordsRequest>, GqlError> {
        let cx = request_ctx(ctx)?;
        let list = consent(ctx)?.outside_requests(cx, cx.tenant()?).await?;
        Ok(list.requests.into_iter().map(Into::into).collect())
    }
}

#[derive(Default)]
pub struct OutsideTransfersMutation;

#[Object]
impl OutsideTransfersMutation {
    /// Record an outside provider's request (a call, a letter) for a client of the practice;
    /// the client sees it and answers it in the portal.
    #[graphql(guard = "Require(Permission::TransfersRecord)")]
    async fn record_outside_records_request(
        &self,
        ctx: &Context<'_>,
        client_id: ID,
        input: OutsideRecordsRequestInput,
    ) -> Result<OutsideRecordsRequest, GqlError> {
        let cx = request_ctx(ctx)?;
        let provider = input.provider;
        let input = wire::OutsideRequestInput {
            recipient: WireRecipient::Outside {
                name: provider.name,
                organisation: provider.organisation,
                email: provider.email,
            },
            purpose: input.purpose,
            categories: wire_categories(input.categories),
        };
        let key = (cx.tenant()?, ids::user_id(&client_id)?);
        Ok(consent(ctx)?.record_outside(cx, key, &input).await?.into())
    }
}
