//! Restrictions: the client asks the practice not to disclose some categories (none: all)
//! to one recipient or anyone (`RestrictionsRequest`, for themself); a practice admin
//! accepts or declines, once, with a reason the client reads (`RestrictionsReview`).
//! Accepted restrictions subtract from every decision. The client and the practice's
//! admins read them (`DisclosuresRead`).

use anyhow::anyhow;
use tp_audit_log::action::consent::{RESTRICTION_REQUESTED, RESTRICTION_REVIEWED, RESTRICTIONS_READ};
use tp_authz::Permission;
use tp_consent_api::disclosure::{
    Restriction, RestrictionInput, RestrictionList, RestrictionReview, RestrictionStatus,
};
use tp_db::TenantTx;
use tp_ids::{TenantId, UserId};
use uuid::Uuid;

use super::authorizations::{OWN, READING};
use super::sealed::{REQUEST, REVIEW, Request, Review, seal};
use crate::audit::{Caller, record};
use crate::db::restrictions::{self as rows, RestrictionRow};
use crate::documents::access::{admit, person};
use crate::domain::authorization::{distinct, recipient, text};
use crate::error::Error;
use crate::state::AppState;

/// The client asks for a restriction.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn request(
    state: &AppState,
    caller: &Caller<'_>,
    (tenant, client): (TenantId, UserId),
    input: RestrictionInput,
) -> Result<Restriction, Error> {
    admit(state, caller, (tenant, Permission::RestrictionsRequest, RESTRICTION_REQUESTED), Some((client, OWN))).await?;
    let request = Request {
        categories: distinct(&input.categories),
        recipient: input.recipient.map(recipient).transpose()?,
        description: text("description", &input.description, 1000, "must be 1 to 1000 characters")?,
    };
    let id = Uuid::now_v7();
    let sealed = seal(state, tenant, REQUEST, (client, id)).seal(&request).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let row = rows::insert(&tx, id, client, sealed).await?;
    let event = caller.success(RESTRICTION_REQUESTED, tenant, Some(client)).detail("restriction_id", id.to_string());
    record(&*tx, &event).await?;
    tx.commit().await?;
    wire(row, request, None)
}

/// A practice admin accepts or declines a requested restriction, once.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn review(
    state: &AppState,
    caller: &Caller<'_>,
    (tenant, client): (TenantId, UserId),
    id: Uuid,
    input: RestrictionReview,
) -> Result<Restriction, Error> {
    admit(state, caller, (tenant, Permission::RestrictionsReview, RESTRICTION_REVIEWED), Some((client, READING)))
        .await?;
    let by = person(caller)?;
    let review = Review { reason: text("reason", &input.reason, 1000, "must be 1 to 1000 characters")? };
    let sealed = seal(state, tenant, REVIEW, (client, id)).seal(&review).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let Some(row) = rows::review(&tx, (client, id), input.accept, (by, sealed)).await? else {
        return Err(match rows::one(&tx, client, id).await? {
            Some(_) => Error::Conflict("this restriction was already reviewed"),
            None => Error::NotFound,
        });
    };
    let request = open_request(state, tenant, &row).await?;
    let event = caller
        .success(RESTRICTION_REVIEWED, tenant, Some(client))
        .detail("restriction_id", id.to_string())
        .detail("accepted", input.accept.to_string());
    record(&*tx, &event).await?;
    tx.commit().await?;
    wire(row, request, Some(review))
}

/// The client's restrictions, newest first; one event for the list.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list(
    state: &AppState,
    caller: &Caller<'_>,
    (tenant, client): (TenantId, UserId),
) -> Result<RestrictionList, Error> {
    admit(state, caller, (tenant, Permission::DisclosuresRead, RESTRICTIONS_READ), Some((client, READING))).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let mut restrictions = Vec::new();
    for row in rows::of_client(&tx, client, false).await? {
        let request = open_request(state, tenant, &row).await?;
        let review = match &row.review {
            Some(sealed) => Some(seal(state, tenant, REVIEW, (row.client, row.id)).open::<Review>(sealed).await?),
            None => None,
        };
        restrictions.push(wire(row, request, review)?);
    }
    let count = restrictions.len().to_string();
    record(&*tx, &caller.success(RESTRICTIONS_READ, tenant, Some(client)).detail("restrictions", count)).await?;
    tx.commit().await?;
    Ok(RestrictionList { restrictions })
}

/// Opens a row's request, bound to its own id and client.
pub(crate) async fn open_request(state: &AppState, tenant: TenantId, row: &RestrictionRow) -> Result<Request, Error> {
    seal(state, tenant, REQUEST, (row.client, row.id)).open(&row.request).await
}

fn wire(row: RestrictionRow, request: Request, review: Option<Review>) -> Result<Restriction, Error> {
    let status = match row.status.as_str() {
        "requested" => RestrictionStatus::Requested,
        "accepted" => RestrictionStatus::Accepted,
        "declined" => RestrictionStatus::Declined,
        _ => return Err(Error::Internal(anyhow!("an unknown restriction status"))),
    };
    Ok(Restriction {
        id: row.id,
        client_id: row.client,
        categories: request.categories,
        recipient: request.recipient,
        description: request.description,
        status,
        reason: review.map(|r| r.reason),
        reviewed_by: row.reviewed_by,
        created_at: row.created_at,
        reviewed_at: row.reviewed_at,
    })
}
