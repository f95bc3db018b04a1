//! The accounting of disclosures: every disclosure made, written in the transaction that
//! hands the data over ([`record_disclosure`], which transfers reuse), read by the client
//! and the practice's admins (`DisclosuresRead`). A practice admin records a disclosure made
//! outside the platform (`DisclosuresRecord`); it is decided again in the same transaction,
//! and a category not permitted now refuses it (403) with nothing recorded.

use tp_audit_log::action::consent::{DISCLOSURE_RECORDED, DISCLOSURES_READ};
use tp_authz::Permission;
use tp_consent_api::disclosure::{Category, Disclosure, DisclosureInput, DisclosureList, Recipient};
use tp_db::TenantTx;
use tp_ids::{TenantId, UserId};
use uuid::Uuid;

use super::authorizations::READING;
use super::decisions::{Decided, asked, decide_in, names};
use super::sealed::{RECORD, Record, seal};
use crate::audit::{Caller, record, record_refusal};
use crate::db::disclosures::{self as rows, DisclosureRow};
use crate::documents::access::{admit, person};
use crate::domain::authorization::text;
use crate::error::Error;
use crate::state::AppState;

/// A practice admin records a disclosure made outside the platform.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn create(
    state: &AppState,
    caller: &Caller<'_>,
    (tenant, client): (TenantId, UserId),
    input: DisclosureInput,
) -> Result<Disclosure, Error> {
    admit(state, caller, (tenant, Permission::DisclosuresRecord, DISCLOSURE_RECORDED), Some((client, READING))).await?;
    let by = person(caller)?;
    let (to, categories) = asked(input.recipient, &input.categories)?;
    let channel = text("channel", &input.channel, 200, "must be 1 to 200 characters")?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let disclosure = match record_disclosure(state, &tx, (client, by), (to, categories), channel).await {
        Err(Error::Forbidden) => {
            drop(tx);
            record_refusal(&state.db, caller, DISCLOSURE_RECORDED, Some(client)).await;
            return Err(Error::Forbidden);
        }
        other => other?,
    };
    let event = caller
        .success(DISCLOSURE_RECORDED, tenant, Some(client))
        .detail("disclosure_id", disclosure.id.to_string())
        .detail("categories", names(&disclosure.categories));
    record(&*tx, &event).await?;
    tx.commit().await?;
    Ok(disclosure)
}

/// Decides again in `tx` and, when every category in `what` is permitted now, writes the
/// disclosure to the accounting in `tx` (the caller audits and commits). Otherwise
/// `Forbidden` and nothing is written.
pub(crate) async fn record_disclosure(
    state: &AppState,
    tx: &TenantTx,
    (client, by): (UserId, UserId),
    (to, categories): (Recipient, Vec<Category>),
    channel: String,
) -> Result<Disclosure, Error> {
    let Decided { decision, purposes } = decide_in(state, tx, client, &to, &categories).await?;
    if !decision.permit || !decision.denied.is_empty() {
        return Err(Error::Forbidden);
    }
    let mut purpose: Vec<String> = Vec::new();
    for (_, text) in purposes {
        if !purpose.contains(&text) {
            purpose.push(text);
        }
    }
    let sealed = Record {
        recipient: to,
        categories: decision.categories,
        authorization_ids: decision.grants.iter().map(|g| g.authorization_id).collect(),
        purpose: purpose.join("; "),
        channel,
    };
    let id = Uuid::now_v7();
    let ciphertext = seal(state, tx.tenant(), RECORD, (client, id)).seal(&sealed).await?;
    let row = rows::insert(tx, (id, client), by, ciphertext).await?;
    Ok(wire(row, sealed))
}

/// The client's accounting of disclosures, newest first; one event for the list.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list(
    state: &AppState,
    caller: &Caller<'_>,
    (tenant, client): (TenantId, UserId),
) -> Result<DisclosureList, Error> {
    admit(state, caller, (tenant, Permission::DisclosuresRead, DISCLOSURES_READ), Some((client, READING))).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let mut disclosures = Vec::new();
    for row in rows::of_client(&tx, client).await? {
        let sealed: Record = seal(state, tenant, RECORD, (row.client, row.id)).open(&row.record).await?;
        disclosures.push(wire(row, sealed));
    }
    let count = disclosures.len().to_string();
    record(&*tx, &caller.success(DISCLOSURES_READ, tenant, Some(client)).detail("disclosures", count)).await?;
    tx.commit().await?;
    Ok(DisclosureList { disclosures })
}

fn wire(row: DisclosureRow, sealed: Record) -> Disclosure {
    Disclosure {
        id: row.id,
        client_id: row.client,
        recipient: sealed.recipient,
        categories: sealed.categories,
        authorization_ids: sealed.authorization_ids,
        purpose: sealed.purpose,
        channel: sealed.channel,
        disclosed_by: row.disclosed_by,
        disclosed_at: row.disclosed_at,
    }
}
