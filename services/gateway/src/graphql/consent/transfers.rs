//! Records transfers in the schema: a clinician asks another practice for a client's
//! records and downloads them once the client approved; the client sees the requests about
//! them and approves some of the categories asked, or declines.
//!
//! Approving is one mutation and three calls, all with the client's own token: consent
//! records the answer (creating the authorizations), records packages exactly what consent's
//! decision permits and seals it, consent takes the sealed package. The gateway never sees
//! the record: the package is opaque to it. If the packaging fails after the approval, the
//! same mutation again packages the approved request instead of answering "answered".

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use tp_authz::Permission;
use tp_consent_api::transfers as wire;
use tp_errors::ErrorKind;
use tp_records_api::disclosure::PackageRequest;

use crate::graphql::consent::consent;
use crate::graphql::consent::disclosure_types::{DisclosureCategory, Recipient, categories, wire_categories};
use crate::graphql::context::{Require, request_ctx};
use crate::graphql::error::GqlError;
use crate::graphql::ids;
use crate::graphql::records::records;

/// Ask practice `practiceId` for the records of the client who uses `clientEmail` there.
#[derive(InputObject)]
pub struct RecordsRequestInput {
    pub practice_id: ID,
    pub client_email: String,
    /// Why, 1–500 characters; the client reads it.
    pub purpose: String,
    /// What is asked for; the client may approve fewer.
    pub categories: Vec<DisclosureCategory>,
}

/// Where a request stands for its requester: `PENDING` until the client approved and the
/// package waits (a decline, or a request about no one, stays `PENDING` until it expires).
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "tp_consent_api::transfers::SentStatus")]
pub enum SentRecordsRequestStatus {
    Pending,
    Ready,
    Downloaded,
    Expired,
}

/// A request the caller sent.
#[derive(SimpleObject)]
pub struct SentRecordsRequest {
    pub id: ID,
    pub practice_id: ID,
    pub client_email: String,
    pub purpose: String,
    pub categories: Vec<DisclosureCategory>,
    pub status: SentRecordsRequestStatus,
    pub created_at: DateTime<Utc>,
    /// The request's lifetime while pending, the download's once ready.
    pub expires_at: DateTime<Utc>,
}

impl From<wire::SentRequest> for SentRecordsRequest {
    fn from(r: wire::SentRequest) -> Self {
        Self {
            id: ID(r.id.to_string()),
            practice_id: ID(r.practice_id.to_string()),
            client_email: r.client_email,
            purpose: r.purpose,
            categories: categories(r.categories),
            status: r.status.into(),
            created_at: r.created_at,
            expires_at: r.expires_at,
        }
    }
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "tp_consent_api::transfers::TransferStatus")]
pub enum RecordsRequestStatus {
    Requested,
    Approved,
    Declined,
    Downloaded,
    Expired,
}

/// Who asks, as identity knew them when they asked.
#[derive(SimpleObject)]
pub struct RecordsRequester {
    pub practice_id: ID,
    pub user_id: ID,
    pub practice_name: String,
    pub display_name: Option<String>,
    pub email: String,
}

/// A request about the client, as the client reads it.
#[derive(SimpleObject)]
pub struct RecordsRequest {
    pub id: ID,
    /// Who receives the records if the client approves: the requesting clinician
    /// (`CLINICIAN`), or a provider outside the platform (`OUTSIDE`: name, organisation,
    /// email) whose request a practice member recorded.
    pub recipient: Recipient,
    /// Who put the request in: the requesting clinician, or for an outside provider the
    /// practice member who recorded it.
    pub requester: RecordsRequester,
    pub purpose: String,
    pub categories: Vec<DisclosureCategory>,
    pub status: RecordsRequestStatus,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    /// What the client approved, and the authorizations that created.
    pub approved: Vec<DisclosureCategory>,
    pub authorization_ids: Vec<ID>,
    /// Whether the package waits for the requester.
    pub packaged: bool,
    pub download_expires_at: Option<DateTime<Utc>>,
    pub downloaded_at: Option<DateTime<Utc>>,
}

impl From<wire::RecordsRequest> for RecordsRequest {
    fn from(r: wire::RecordsRequest) -> Self {
        Self {
            id: ID(r.id.to_string()),
            recipient: r.recipient.into(),
            requester: RecordsRequester {
                practice_id: ID(r.requester.tenant_id.to_string()),
                user_id: ID(r.requester.user_id.to_string()),
                practice_name: r.requester.practice_name,
                display_name: r.requester.display_name,
                email: r.requester.email,
            },
            purpose: r.purpose,
            categories: categories(r.categories),
            status: r.status.into(),
            created_at: r.created_at,
            expires_at: r.expires_at,
            decided_at: r.decided_at,
            approved: categories(r.approved),
            authorization_ids: r.authorization_ids.iter().map(|id| ID(id.to_string())).collect(),
            packaged: r.packaged,
            download_expires_at: r.download_expires_at,
            downloaded_at: r.downloaded_at,
        }
    }
}

/// Approve with some of the categories asked, or decline (`approve: false`, no categories).
#[derive(InputObject)]
pub struct RecordsAnswerInput {
    pub approve: bool,
    #[graphql(default)]
    pub categories: Vec<DisclosureCategory>,
}

/// A downloaded package: a FHIR R4 Bundle (`application/fhir+json`) as text.
#[derive(SimpleObject)]
pub struct RecordsDownload {
    pub content_type: String,
    pub content: String,
}

#[derive(Default)]
pub struct TransfersQuery;

#[Object]
impl TransfersQuery {
    /// The records requests the caller sent to other practices, newest first.
    #[graphql(guard = "Require(Permission::TransfersRequest)")]
    async fn sent_records_requests(&self, ctx: &Context<'_>) -> Result<Vec<SentRecordsRequest>, GqlError> {
        let cx = request_ctx(ctx)?;
        let list = consent(ctx)?.sent_requests(cx, cx.tenant()?).await?;
        Ok(list.requests.into_iter().map(Into::into).collect())
    }

    /// The records requests about the client (the client themself): those waiting for
    /// their answer and those answered, newest first.
    #[graphql(guard = "Require(Permission::TransfersRespond)")]
    async fn records_requests(&self, ctx: &Context<'_>, client_id: ID) -> Result<Vec<RecordsRequest>, GqlError> {
        let cx = request_ctx(ctx)?;
        let list = consent(ctx)?.client_requests(cx, (cx.tenant()?, ids::user_id(&client_id)?)).await?;
        Ok(list.requests.into_iter().map(Into::into).collect())
    }
}

#[derive(Default)]
pub struct TransfersMutation;

#[Object]
impl TransfersMutation {
    /// Ask another practice for a client's records. The answer is the same whoever the email
    /// names; nothing moves until the client approves.
    #[graphql(guard = "Require(Permission::TransfersRequest)")]
    async fn request_records(
        &self,
        ctx: &Context<'_>,
        input: RecordsRequestInput,
    ) -> Result<SentRecordsRequest, GqlError> {
        let cx = request_ctx(ctx)?;
        let input = wire::RecordsRequestInput {
            practice_id: ids::tenant_id(&input.practice_id)?,
            client_email: input.client_email,
            purpose: input.purpose,
            categories: wire_categories(input.categories),
        };
        Ok(consent(ctx)?.send_request(cx, cx.tenant()?, &input).await?.into())
    }

    /// Download the records of an approved request, once.
    #[graphql(guard = "Require(Permission::TransfersRequest)")]
    async fn download_records(&self, ctx: &Context<'_>, request_id: ID) -> Result<RecordsDownload, GqlError> {
        let cx = request_ctx(ctx)?;
        let bundle = consent(ctx)?.download(cx, (cx.tenant()?, ids::uuid(&request_id, "records request")?)).await?;
        let content = serde_json::to_string(&bundle).map_err(|e| GqlError::server(ErrorKind::Internal, &e))?;
        Ok(RecordsDownload { content_type: "application/fhir+json".to_owned(), content })
    }

    /// The client approves a request with some of the categories asked (records then
    /// packages exactly what is authorized) or declines it.
    #[graphql(guard = "Require(Permission::TransfersRespond)")]
    async fn answer_records_request(
        &self,
        ctx: &Context<'_>,
        client_id: ID,
        request_id: ID,
        input: RecordsAnswerInput,
    ) -> Result<RecordsRequest, GqlError> {
        let cx = request_ctx(ctx)?;
        let key = (cx.tenant()?, ids::user_id(&client_id)?, ids::uuid(&request_id, "records request")?);
        let answer = wire::RecordsResponse { approve: input.approve, categories: wire_categories(input.categories) };
        let consent = consent(ctx)?;
        let answered = match consent.respond(cx, key, &answer).await {
            Ok(answered) => answered,
            // Approved before, and its packaging failed: package it now.
            Err(err) if err.kind() == ErrorKind::Conflict && answer.approve => {
                let list = consent.client_requests(cx, (key.0, key.1)).await?;
                let waiting = list
                    .requests
                    .into_iter()
                    .find(|r| r.id == key.2 && r.status == wire::TransferStatus::Approved && !r.packaged);
                waiting.ok_or(err)?
            }
            Err(err) => return Err(err),
        };
        if answered.status != wire::TransferStatus::Approved || answered.packaged {
            return Ok(answered.into());
        }
        // Packaged for whom consent says receives it: the requesting clinician, or the
        // outside provider (whose link consent then has emailed).
        let request = PackageRequest {
            package_id: key.2,
            recipient: answered.recipient.clone(),
            categories: answered.approved.clone(),
        };
        let package = records(ctx)?.disclosure_package(cx, (key.0, key.1), &request).await?;
        Ok(consent.hand_over(cx, key, &package).await?.into())
    }
}
