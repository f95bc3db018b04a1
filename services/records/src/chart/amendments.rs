//! Amendment requests (HIPAA right to amend). The client asks for a correction of their own
//! chart (`AmendmentsRequest`, their own only); the requests are listed to the client and to
//! the care team (`ClinicalRead`: practice admins too, but only when on the care team); a
//! reviewer of the care team (`AmendmentsReview`: clinicians, admins on the care team)
//! accepts or declines a pending one with a reason. Everything goes through
//! `admit_clinical`, and every row work shares its `TenantTx` with its audit event.
//!
//! The request (what is wrong, what it should say, which item) and the reason are sealed
//! bound to the request's id, each in its own column. Not here: making the correction
//! (a reviewer amends the note or updates the diagnosis through their own operations).

use tp_audit_log::action::records::{AMENDMENT_REQUESTED, AMENDMENT_REQUESTS_READ, AMENDMENT_REVIEWED};
use tp_authz::Permission;
use tp_db::TenantTx;
use tp_ids::{TenantId, UserId};
use tp_records_api::amendments::{
    AmendmentDecision, AmendmentRequest, AmendmentRequestInput, AmendmentRequestList, AmendmentReview, AmendmentStatus,
};
use uuid::Uuid;

use crate::audit::{Caller, record};
use crate::chart::access::admit_clinical;
use crate::db::amendment_requests::{self as rows, RequestRow};
use crate::domain::clinical;
use crate::error::Error;
use crate::sealed_json::JsonSeal;
use crate::state::AppState;

const TABLE: &str = "records.amendment_requests";

fn seal<'a>(state: &'a AppState, tenant: TenantId, id: Uuid, column: &'static str) -> JsonSeal<'a> {
    JsonSeal { keyring: &state.keyring, tenant, table: TABLE, column, row: id }
}

/// The client's own request; the requester is the client.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn request(
    state: &AppState,
    caller: &Caller<'_>,
    tenant: TenantId,
    client: UserId,
    input: AmendmentRequestInput,
) -> Result<AmendmentRequest, Error> {
    let reach =
        admit_clinical(state, caller, tenant, client, Permission::AmendmentsRequest, AMENDMENT_REQUESTED).await?;
    let doc = clinical::amendment_request(input)?;
    let id = Uuid::now_v7();
    let body = seal(state, tenant, id, "body").seal(&doc).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let row = rows::insert(&tx, (id, client), reach.user(), body).await?;
    let event = reach.event(caller, AMENDMENT_REQUESTED, tenant, client).detail("request_id", id.to_string());
    record(&*tx, &event).await?;
    tx.commit().await?;
    Ok(wire(row, doc, None))
}

/// Every request of the client, oldest first, with its decision; one audit event.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list(
    state: &AppState,
    caller: &Caller<'_>,
    tenant: TenantId,
    client: UserId,
) -> Result<AmendmentRequestList, Error> {
    let reach =
        admit_clinical(state, caller, tenant, client, Permission::ClinicalRead, AMENDMENT_REQUESTS_READ).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let mut requests = Vec::new();
    for row in rows::list(&tx, client).await? {
        requests.push(open(state, tenant, row).await?);
    }
    let event =
        reach.event(caller, AMENDMENT_REQUESTS_READ, tenant, client).detail("count", requests.len().to_string());
    record(&*tx, &event).await?;
    tx.commit().await?;
    Ok(AmendmentRequestList { requests })
}

/// Accepts or declines a pending request with a reason; CONFLICT once decided.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn review(
    state: &AppState,
    caller: &Caller<'_>,
    (tenant, client, id): (TenantId, UserId, Uuid),
    input: AmendmentReview,
) -> Result<AmendmentRequest, Error> {
    let reach = admit_clinical(state, caller, tenant, client, Permission::AmendmentsReview, AMENDMENT_REVIEWED).await?;
    let review = clinical::review(input)?;
    let reason = seal(state, tenant, id, "reason").seal(&review.reason).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let current = rows::get(&tx, client, id).await?.ok_or(Error::NotFound)?;
    if current.status != "pending" {
        return Err(Error::Conflict(DECIDED));
    }
    let status = match review.decision {
        AmendmentDecision::Accepted => "accepted",
        AmendmentDecision::Declined => "declined",
    };
    let row = rows::review(&tx, id, status, reach.user(), reason).await?.ok_or(Error::Conflict(DECIDED))?;
    let event = reach
        .event(caller, AMENDMENT_REVIEWED, tenant, client)
        .detail("request_id", id.to_string())
        .detail("decision", status);
    record(&*tx, &event).await?;
    let doc = seal(state, tenant, id, "body").open(&row.body).await?;
    tx.commit().await?;
    Ok(wire(row, doc, Some(review.reason)))
}

const DECIDED: &str = "the request is already decided";

async fn open(state: &AppState, tenant: TenantId, row: RequestRow) -> Result<AmendmentRequest, Error> {
    let doc = seal(state, tenant, row.id, "body").open(&row.body).await?;
    let reason = match &row.reason {
        Some(ciphertext) => Some(seal(state, tenant, row.id, "reason").open::<String>(ciphertext).await?),
        None => None,
    };
    Ok(wire(row, doc, reason))
}

fn wire(row: RequestRow, doc: AmendmentRequestInput, reason: Option<String>) -> AmendmentRequest {
    let status = match row.status.as_str() {
        "accepted" => AmendmentStatus::Accepted,
        "declined" => AmendmentStatus::Declined,
        _ => AmendmentStatus::Pending,
    };
    AmendmentRequest {
        id: row.id,
        client_id: row.client,
        requested_by: row.requested_by,
        what_is_wrong: doc.what_is_wrong,
        should_say: doc.should_say,
        item: doc.item,
        status,
        reviewed_by: row.reviewed_by,
        reviewed_at: row.reviewed_at,
        reason,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}
