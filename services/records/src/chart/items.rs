//! The list-shaped clinical items (diagnoses, medications): list, add, replace. Each is
//! admitted by `admit_clinical` (`ClinicalRead` to read: the care team or the client
//! themself; `ClinicalWrite` to write: clinicians of the care team), validated after access
//! (a refusal says nothing about the input), sealed before the transaction opens, and its
//! row work and audit event share one `TenantTx` (fail closed).
//!
//! Not here: what an item holds and how it is checked (the callers, `diagnoses` and
//! `medications`, pass their wire type and validator).

use serde::Serialize;
use serde::de::DeserializeOwned;
use tp_audit_log::Action;
use tp_authz::Permission;
use tp_db::TenantTx;
use tp_ids::{TenantId, UserId};
use uuid::Uuid;

use crate::audit::{Caller, record};
use crate::chart::access::admit_clinical;
use crate::db::chart_items::{self as rows, ItemRow, ItemTable};
use crate::error::Error;
use crate::sealed_json::JsonSeal;
use crate::state::AppState;

/// One kind of item: its table and its audit actions.
pub struct Kind {
    pub table: ItemTable,
    pub read: Action,
    pub added: Action,
    pub updated: Action,
    /// The detail key naming the item in its events (`diagnosis_id`).
    pub id_detail: &'static str,
}

impl Kind {
    fn seal<'a>(&self, state: &'a AppState, tenant: TenantId, id: Uuid) -> JsonSeal<'a> {
        JsonSeal { keyring: &state.keyring, tenant, table: self.table.name(), column: "body", row: id }
    }
}

/// Every item of the client, decrypted, oldest first; one audit event (detail `count`).
pub async fn list<T: DeserializeOwned>(
    state: &AppState,
    caller: &Caller<'_>,
    (tenant, client): (TenantId, UserId),
    kind: &Kind,
) -> Result<Vec<(ItemRow, T)>, Error> {
    let reach = admit_clinical(state, caller, tenant, client, Permission::ClinicalRead, kind.read).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let items = read_all(state, &tx, kind, client).await?;
    let event = reach.event(caller, kind.read, tenant, client).detail("count", items.len().to_string());
    record(&*tx, &event).await?;
    tx.commit().await?;
    Ok(items)
}

/// Every item of the client, decrypted, oldest first, read in the caller's transaction
/// (which has admitted and audits the access: `list` and the chart export).
pub(crate) async fn read_all<T: DeserializeOwned>(
    state: &AppState,
    tx: &TenantTx,
    kind: &Kind,
    client: UserId,
) -> Result<Vec<(ItemRow, T)>, Error> {
    let mut items = Vec::new();
    for row in rows::list(tx, kind.table, client).await? {
        let doc = kind.seal(state, tx.tenant(), row.id).open(&row.body).await?;
        items.push((row, doc));
    }
    Ok(items)
}

/// Records a new item from `input`, checked by `validate` once access is granted.
pub async fn add<I, T: Serialize>(
    state: &AppState,
    caller: &Caller<'_>,
    (tenant, client): (TenantId, UserId),
    kind: &Kind,
    (input, validate): (I, impl FnOnce(I) -> Result<T, Error>),
) -> Result<(ItemRow, T), Error> {
    let reach = admit_clinical(state, caller, tenant, client, Permission::ClinicalWrite, kind.added).await?;
    let doc = validate(input)?;
    let id = Uuid::now_v7();
    let body = kind.seal(state, tenant, id).seal(&doc).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let row = rows::insert(&tx, kind.table, (id, client), body, reach.user()).await?;
    record(&*tx, &reach.event(caller, kind.added, tenant, client).detail(kind.id_detail, id.to_string())).await?;
    tx.commit().await?;
    Ok((row, doc))
}

/// Replaces item `id` of the client with `input`; NOT_FOUND when the client has no such item.
pub async fn replace<I, T: Serialize>(
    state: &AppState,
    caller: &Caller<'_>,
    (tenant, client, id): (TenantId, UserId, Uuid),
    kind: &Kind,
    (input, validate): (I, impl FnOnce(I) -> Result<T, Error>),
) -> Result<(ItemRow, T), Error> {
    let reach = admit_clinical(state, caller, tenant, client, Permission::ClinicalWrite, kind.updated).await?;
    let doc = validate(input)?;
    let body = kind.seal(state, tenant, id).seal(&doc).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let row = rows::replace(&tx, kind.table, (id, client), body, reach.user()).await?.ok_or(Error::NotFound)?;
    record(&*tx, &reach.event(caller, kind.updated, tenant, client).detail(kind.id_detail, id.to_string())).await?;
    tx.commit().await?;
    Ok((row, doc))
}
