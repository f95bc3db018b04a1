//! Requests of providers outside the platform (`TransfersRecord`: practice admins and staff):
//! a member records a provider's request (by phone, by letter) for a named client of the
//! practice (identity's directory says they are one; anyone else is not found); the client answers it like any request ([`super::answer`]); handing over its
//! package makes the provider's link ([`send_link`]): a random token whose SHA-256 is stored
//! and which only the email carries, and an 8-digit code, sealed, which the members' list
//! ([`list`]) shows while the package waits so that a member gives it by phone.
//!
//! Not here: the provider's download ([`super::shared`]).

use std::collections::HashMap;

use chrono::Utc;
use tp_audit_log::action::consent::{TRANSFER_RECORDED, TRANSFERS_READ};
use tp_authz::Permission;
use tp_consent_api::disclosure::Recipient;
use tp_consent_api::transfers::{OutsideRequest, OutsideRequestInput, OutsideRequestList, TransferStatus};
use tp_db::TenantTx;
use tp_identity_api::internal::RecordsLinkNotice;
use tp_ids::{TenantId, UserId};
use uuid::Uuid;

use super::{Approval, Asked, LINK_CODE, REQUEST, open_approval, open_asked, stored};
use crate::audit::{Caller, record, record_refusal};
use crate::db::transfer_links::{self as links, LinkRow};
use crate::db::transfers::{self as rows, NewTransfer, TransferRow};
use crate::disclosure::sealed::seal;
use crate::documents::access::{admit, person};
use crate::domain::access::recording;
use crate::domain::authorization::{distinct, recipient, text};
use crate::domain::link::{LinkToken, generate_code};
use crate::domain::transfer::status;
use crate::error::Error;
use crate::state::AppState;

/// A member records `input` for `client`, who then sees it among their requests.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn create(
    state: &AppState,
    caller: &Caller<'_>,
    (tenant, client): (TenantId, UserId),
    input: OutsideRequestInput,
) -> Result<OutsideRequest, Error> {
    admit(state, caller, (tenant, Permission::TransfersRecord, TRANSFER_RECORDED), Some((client, recording))).await?;
    let by = person(caller)?;
    // Only for a client of this practice: anyone else's id is not found here.
    if !state.identity.is_client(caller.token, tenant, client).await? {
        record_refusal(&state.db, caller, TRANSFER_RECORDED, Some(client)).await;
        return Err(Error::NotFound);
    }
    let provider = match recipient(input.recipient)? {
        outside @ Recipient::Outside { .. } => outside,
        _ => return Err(Error::invalid("recipient", "must be a provider outside the platform")),
    };
    let purpose = text("purpose", &input.purpose, 500, "must be 1 to 500 characters")?;
    let categories = distinct(&input.categories);
    if categories.is_empty() {
        return Err(Error::invalid("categories", "at least one category"));
    }
    // Who recorded it, as identity knows them now: what the client reads beside the provider.
    let requester = super::request::requester(state, caller, (tenant, by)).await?;
    let asked = Asked { requester, client_email: None, recipient: Some(provider), purpose, categories };
    let id = Uuid::now_v7();
    let expires_at = Utc::now() + state.transfers.request;
    let sealed = seal(state, tenant, REQUEST, (by, id)).seal(&asked).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let new = NewTransfer {
        id,
        requester_tenant: tenant,
        requested_by: by,
        expires_at,
        request: sealed,
        named_client: Some(client),
    };
    rows::insert(&tx, new).await?;
    let event = caller.success(TRANSFER_RECORDED, tenant, Some(client)).detail("request_id", id.to_string());
    record(&*tx, &event).await?;
    let row = rows::one(&tx, id, false).await?.ok_or(Error::NotFound)?;
    tx.commit().await?;
    wire(state, tenant, (row, asked, None), None).await
}

/// The requests recorded in the practice, newest first, each with the one-time code while
/// its package waits.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list(state: &AppState, caller: &Caller<'_>, tenant: TenantId) -> Result<OutsideRequestList, Error> {
    admit(state, caller, (tenant, Permission::TransfersRecord, TRANSFERS_READ), None).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let recorded = rows::recorded(&tx).await?;
    let mut links: HashMap<Uuid, LinkRow> = links::all(&tx).await?.into_iter().map(|l| (l.id, l)).collect();
    let mut requests = Vec::with_capacity(recorded.len());
    for row in recorded {
        let (asked, approval) = (open_asked(state, tenant, &row).await?, open_approval(state, tenant, &row).await?);
        let link = links.remove(&row.id);
        requests.push(wire(state, tenant, (row, asked, approval), link).await?);
    }
    let event = caller.success(TRANSFERS_READ, tenant, None).detail("requests", requests.len().to_string());
    record(&*tx, &event).await?;
    tx.commit().await?;
    Ok(OutsideRequestList { requests })
}

/// Makes the link of an outside request's package in `tx` (the hand-over's) and has identity
/// email it to `email`, with the approving client's own token. An email that cannot be sent
/// fails the hand-over: the caller's transaction then stores nothing.
pub(super) async fn send_link(
    state: &AppState,
    caller: &Caller<'_>,
    tx: &TenantTx,
    (client, id): (UserId, Uuid),
    email: &str,
) -> Result<(), Error> {
    let token = LinkToken::generate();
    let code = seal(state, tx.tenant(), LINK_CODE, (client, id)).seal(&generate_code()).await?;
    links::insert(tx, id, token.sha256, code).await?;
    let notice = RecordsLinkNotice { request_id: id, token: token.token, email: email.to_owned() };
    state.identity.records_link(caller.token, &notice).await
}

/// A recorded request as the members read it: the code only while the package waits (not
/// downloaded, not lapsed) and the link is not locked.
async fn wire(
    state: &AppState,
    tenant: TenantId,
    (row, asked, approval): (TransferRow, Asked, Option<Approval>),
    link: Option<LinkRow>,
) -> Result<OutsideRequest, Error> {
    let (stored, times) = stored(&row)?;
    let status = status(stored, times, Utc::now());
    let client =
        row.named_client.ok_or_else(|| Error::Internal(anyhow::anyhow!("a recorded request names no client")))?;
    let locked = link.as_ref().is_some_and(|l| l.locked_at.is_some());
    let code = match link {
        Some(link) if status == TransferStatus::Approved && row.packaged && link.locked_at.is_none() => {
            Some(seal(state, tenant, LINK_CODE, (client, row.id)).open::<String>(&link.code).await?)
        }
        _ => None,
    };
    Ok(OutsideRequest {
        id: row.id,
        client_id: client,
        recipient: asked.recipient(),
        purpose: asked.purpose,
        categories: asked.categories,
        status,
        recorded_by: row.requested_by,
        created_at: row.created_at,
        expires_at: row.expires_at,
        approved: approval.map(|a| a.approved).unwrap_or_default(),
        packaged: row.packaged,
        download_expires_at: row.download_expires_at,
        downloaded_at: row.downloaded_at,
        code,
        locked,
    })
}
