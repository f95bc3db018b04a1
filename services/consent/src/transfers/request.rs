//! The requester's side: ask another practice for a client's records
//! (`TransfersRequest`), follow one's own requests, download an approved package once.

use chrono::Utc;
use serde_json::Value;
use tp_audit_log::action::consent::{TRANSFER_DOWNLOADED, TRANSFER_REQUESTED, TRANSFERS_READ};
use tp_authz::Permission;
use tp_consent_api::disclosure::Recipient;
use tp_consent_api::transfers::{RecordsRequestInput, Requester, SentRequest, SentRequestList, SentStatus};
use tp_db::TenantTx;
use tp_ids::{TenantId, UserId};
use uuid::Uuid;

use super::handout::hand_out;
use super::{Asked, CHANNEL, SENT, SentAsked, requester_of, stored};
use crate::audit::{Caller, record, record_refusal};
use crate::db::transfers::{self as rows, NewTransfer, SentRow};
use crate::disclosure::sealed::seal;
use crate::documents::access::{admit, person};
use crate::domain::authorization::{distinct, email_address, text};
use crate::domain::transfer::{Stored, sent_status};
use crate::error::Error;
use crate::state::AppState;

/// Sends a request from `tenant` to `input.practice_id`. The answer is the same whoever the
/// email names: nothing is looked up.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn create(
    state: &AppState,
    caller: &Caller<'_>,
    tenant: TenantId,
    input: RecordsRequestInput,
) -> Result<SentRequest, Error> {
    admit(state, caller, (tenant, Permission::TransfersRequest, TRANSFER_REQUESTED), None).await?;
    let by = person(caller)?;
    if input.practice_id == tenant {
        return Err(Error::invalid("practice_id", "must be another practice: your own records are not requested"));
    }
    let sent = SentAsked {
        client_email: email_address("client_email", &input.client_email)?,
        purpose: text("purpose", &input.purpose, 500, "must be 1 to 500 characters")?,
        categories: distinct(&input.categories),
    };
    if sent.categories.is_empty() {
        return Err(Error::invalid("categories", "at least one category"));
    }
    let requester = requester(state, caller, (tenant, by)).await?;
    let asked = Asked {
        requester,
        client_email: Some(sent.client_email.clone()),
        recipient: None,
        purpose: sent.purpose.clone(),
        categories: sent.categories.clone(),
    };
    let (id, asked_of) = (Uuid::now_v7(), input.practice_id);
    let expires_at = Utc::now() + state.transfers.request;
    // Sealed under each practice's own key; an unknown practice has none (404).
    let asked_sealed = seal(state, asked_of, super::REQUEST, (by, id)).seal(&asked).await?;
    let sent_sealed = seal(state, tenant, SENT, (by, id)).seal(&sent).await?;
    // The practice asked first: a request it holds that the requester cannot see is one
    // they send again; the other way round would show a request that reaches no one.
    let tx = TenantTx::begin(&state.db, asked_of).await?;
    rows::insert(
        &tx,
        NewTransfer {
            id,
            requester_tenant: tenant,
            requested_by: by,
            expires_at,
            request: asked_sealed,
            named_client: None,
        },
    )
    .await?;
    tx.commit().await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let row = rows::insert_sent(&tx, (id, asked_of), by, sent_sealed).await?;
    record(&*tx, &caller.success(TRANSFER_REQUESTED, tenant, None).detail("request_id", id.to_string())).await?;
    tx.commit().await?;
    Ok(wire(row, sent, SentStatus::Pending, expires_at))
}

/// Who asks, as identity knows them now: what the client will read.
pub(super) async fn requester(
    state: &AppState,
    caller: &Caller<'_>,
    (tenant, by): (TenantId, UserId),
) -> Result<Requester, Error> {
    let me = state.identity.me(caller.token).await?;
    let practice = state.identity.my_tenants(caller.token).await?.tenants.into_iter().find(|t| t.tenant_id == tenant);
    let practice_name = practice.ok_or(Error::Forbidden)?.name;
    Ok(Requester { tenant_id: tenant, user_id: by, practice_name, display_name: me.display_name, email: me.email })
}

/// The caller's own requests, newest first, each with where it stands in the practice
/// asked (one short transaction there per request).
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list(state: &AppState, caller: &Caller<'_>, tenant: TenantId) -> Result<SentRequestList, Error> {
    admit(state, caller, (tenant, Permission::TransfersRequest, TRANSFERS_READ), None).await?;
    let by = person(caller)?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let sent_rows = rows::sent_by(&tx, by).await?;
    record(&*tx, &caller.success(TRANSFERS_READ, tenant, None).detail("requests", sent_rows.len().to_string())).await?;
    tx.commit().await?;
    let now = Utc::now();
    let mut requests = Vec::with_capacity(sent_rows.len());
    for row in sent_rows {
        let sent: SentAsked = seal(state, tenant, SENT, (row.requested_by, row.id)).open(&row.request).await?;
        let tx = TenantTx::begin(&state.db, row.practice).await?;
        let transfer = rows::one(&tx, row.id, false).await?;
        tx.commit().await?;
        let transfer = transfer.filter(|t| requester_of(t) == (tenant, by));
        let (status, expires_at) = match &transfer {
            Some(t) => {
                let (stored, times) = stored(t)?;
                let until = if stored == Stored::Approved { times.download_expires_at } else { None };
                (sent_status(Some((stored, t.packaged)), times, now), until.unwrap_or(times.expires_at))
            }
            None => (SentStatus::Expired, row.created_at),
        };
        requests.push(wire(row, sent, status, expires_at));
    }
    Ok(SentRequestList { requests })
}

/// The requester downloads the package of an approved request, once: decided again,
/// accounted, the approval's authorizations ended and the package deleted, in one
/// transaction of the practice asked; the bundle is returned only if it commits.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn download(state: &AppState, caller: &Caller<'_>, tenant: TenantId, id: Uuid) -> Result<Value, Error> {
    admit(state, caller, (tenant, Permission::TransfersRequest, TRANSFER_DOWNLOADED), None).await?;
    let by = person(caller)?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let sent = rows::sent_one(&tx, by, id).await?.ok_or(Error::NotFound)?;
    tx.commit().await?;
    let asked_of = sent.practice;
    let tx = TenantTx::begin(&state.db, asked_of).await?;
    let row = rows::one(&tx, id, true).await?.filter(|t| requester_of(t) == (tenant, by)).ok_or(Error::NotFound)?;
    let to = Recipient::Clinician { tenant_id: tenant, user_id: by };
    let handed = match hand_out(state, &tx, &row, (to, by), CHANNEL).await {
        // Revoked, restricted or lapsed since the package was made: nothing leaves.
        Err(Error::Forbidden) => {
            drop(tx);
            record_refusal(&state.db, caller, TRANSFER_DOWNLOADED, None).await;
            return Err(Error::Forbidden);
        }
        other => other?,
    };
    let event = caller
        .success(TRANSFER_DOWNLOADED, asked_of, Some(handed.client))
        .detail("request_id", id.to_string())
        .detail("disclosure_id", handed.disclosure.id.to_string());
    record(&*tx, &event).await?;
    tx.commit().await?;
    Ok(handed.bundle)
}

fn wire(row: SentRow, sent: SentAsked, status: SentStatus, expires_at: chrono::DateTime<Utc>) -> SentRequest {
    SentRequest {
        id: row.id,
        practice_id: row.practice,
        client_email: sent.client_email,
        purpose: sent.purpose,
        categories: sent.categories,
        status,
        created_at: row.created_at,
        expires_at,
    }
}
