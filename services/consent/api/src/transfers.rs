//! Records transfers: a clinician of another practice on the platform asks a practice for a
//! client's records; the client sees the request in the portal and approves it with the
//! categories they choose (which creates the authorizations) or declines; on approval
//! records packages exactly what is authorized, sealed, and the requester downloads it once,
//! within its lifetime, which writes the accounting of disclosures.
//!
//! The requester learns nothing before the client approves: asking answers the same receipt
//! whether or not the email belongs to a client, and a request declined, or about no one,
//! stays `pending` until it expires.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tp_ids::{TenantId, UserId};
use uuid::Uuid;

use crate::disclosure::{Category, Recipient};

/// `POST /v1/tenants/{t}/records-requests` (a clinician or admin of practice `t`): ask
/// practice `practice_id` (another practice on the platform) for the records of the client
/// who uses `client_email` there, for `purpose` (1–500 characters), naming the categories
/// wanted (at least one). The client may approve fewer, never more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordsRequestInput {
    pub practice_id: TenantId,
    pub client_email: String,
    pub purpose: String,
    pub categories: Vec<Category>,
}

/// A request as its requester sees it: never whether the person is a client, never a
/// decline. `Ready` once the client approved and the package is waiting; `Expired` when
/// the request or the download lapsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SentStatus {
    Pending,
    Ready,
    Downloaded,
    Expired,
}

/// One request the caller sent: what they asked (as they typed it), and where it stands.
/// `expires_at` is the request's lifetime while pending, the download's once ready.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentRequest {
    pub id: Uuid,
    pub practice_id: TenantId,
    pub client_email: String,
    pub purpose: String,
    pub categories: Vec<Category>,
    pub status: SentStatus,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// `GET /v1/tenants/{t}/records-requests`: the caller's own requests, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentRequestList {
    pub requests: Vec<SentRequest>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferStatus {
    Requested,
    Approved,
    Declined,
    Downloaded,
    Expired,
}

/// Who asks, as the client reads it: the clinician, their practice, and how identity
/// knows them when they asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requester {
    pub tenant_id: TenantId,
    pub user_id: UserId,
    pub practice_name: String,
    pub display_name: Option<String>,
    pub email: String,
}

/// A request about a client, as the client reads it. `recipient` is who receives the
/// records on approval: the requesting clinician (`Clinician`), or the provider outside the
/// platform (`Outside`) whose request a practice member recorded; `requester` is who put the
/// request into the platform: the clinician, or for an outside provider the member who
/// recorded it. `approved` holds the categories the client approved and
/// `authorization_ids` the authorizations that created; `download_expires_at` is when an
/// approved package lapses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordsRequest {
    pub id: Uuid,
    pub recipient: Recipient,
    pub requester: Requester,
    pub purpose: String,
    pub categories: Vec<Category>,
    pub status: TransferStatus,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub approved: Vec<Category>,
    pub authorization_ids: Vec<Uuid>,
    pub packaged: bool,
    pub download_expires_at: Option<DateTime<Utc>>,
    pub downloaded_at: Option<DateTime<Utc>>,
}

/// `GET /v1/tenants/{t}/clients/{c}/records-requests` (the client): newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordsRequestList {
    pub requests: Vec<RecordsRequest>,
}

/// `POST …/records-requests/{r}/response` (the client): approve with `categories` (at least
/// one, among those asked; psychotherapy notes need a signed psychotherapy-notes
/// authorization and SUD records a signed Part 2 consent, everything else a signed release
/// of information), or decline (`approve: false`, `categories` empty). Decided once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordsResponse {
    pub approve: bool,
    pub categories: Vec<Category>,
}

/// `POST /v1/tenants/{t}/clients/{c}/outside-records-requests` (`TransfersRecord`: practice
/// admins and staff): a provider outside the platform asked the practice (by phone, by
/// letter) for client `c`'s records. `recipient` must be `Outside` (name 1–200 characters,
/// organisation at most 200, email an address: where the link goes); `purpose` 1–500
/// characters; at least one category. The client answers it like any request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutsideRequestInput {
    pub recipient: Recipient,
    pub purpose: String,
    pub categories: Vec<Category>,
}

/// A request recorded for an outside provider, as the practice's members read it. `code` is
/// the one-time code to give the provider by phone: present only while the package waits,
/// not downloaded, not lapsed and the link not locked. `locked` once five wrong codes were
/// tried.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutsideRequest {
    pub id: Uuid,
    pub client_id: UserId,
    pub recipient: Recipient,
    pub purpose: String,
    pub categories: Vec<Category>,
    pub status: TransferStatus,
    pub recorded_by: UserId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub approved: Vec<Category>,
    pub packaged: bool,
    pub download_expires_at: Option<DateTime<Utc>>,
    pub downloaded_at: Option<DateTime<Utc>>,
    pub code: Option<String>,
    pub locked: bool,
}

/// `GET /v1/tenants/{t}/outside-records-requests`: every request recorded in the practice for
/// outside providers, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutsideRequestList {
    pub requests: Vec<OutsideRequest>,
}

/// `POST /v1/shared-records/{t}/{r}` (public: no bearer token): the link's `token` (from the
/// emailed URL) and the 8-digit `code` (given by phone) are the credentials. Answers the
/// FHIR Bundle once; 404 for an unknown request or a wrong token alike, 410 once the
/// download lapsed or happened, 403 for a wrong code (with the attempts left) or a consent
/// revoked since, 423 once five wrong codes locked the link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedRecordsUnlock {
    pub token: String,
    pub code: String,
}

/// How many wrong codes lock a link.
pub const CODE_ATTEMPTS: u32 = 5;
