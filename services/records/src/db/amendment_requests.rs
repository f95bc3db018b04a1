//! `records.amendment_requests` (RLS): a client's requests, ciphertext in and out. A review
//! is one UPDATE from `pending` (status, reviewer, time and reason together), so a request
//! is decided once.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait as _, QueryResult, Value};
use tp_db::TenantTx;
use tp_ids::UserId;
use uuid::Uuid;

use super::stmt;
use crate::error::Error;

#[derive(Debug, Clone)]
pub struct RequestRow {
    pub id: Uuid,
    pub client: UserId,
    pub requested_by: UserId,
    pub body: Vec<u8>,
    pub status: String,
    pub reviewed_by: Option<UserId>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub reason: Option<Vec<u8>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str =
    "id, client_id, requested_by, body, status, reviewed_by, reviewed_at, reason, created_at, updated_at";

fn row(r: &QueryResult) -> Result<RequestRow, Error> {
    let reviewed_by: Option<Uuid> = r.try_get("", "reviewed_by")?;
    Ok(RequestRow {
        id: r.try_get("", "id")?,
        client: UserId::from_uuid(r.try_get("", "client_id")?),
        requested_by: UserId::from_uuid(r.try_get("", "requested_by")?),
        body: r.try_get("", "body")?,
        status: r.try_get("", "status")?,
        reviewed_by: reviewed_by.map(UserId::from_uuid),
        reviewed_at: r.try_get("", "reviewed_at")?,
        reason: r.try_get("", "reason")?,
        created_at: r.try_get("", "created_at")?,
        updated_at: r.try_get("", "updated_at")?,
    })
}

fn tenant(tx: &TenantTx) -> Value {
    (*tx.tenant().as_uuid()).into()
}

pub async fn insert(
    tx: &TenantTx,
    (id, client): (Uuid, UserId),
    by: UserId,
    body: Vec<u8>,
) -> Result<RequestRow, Error> {
    let sql = format!(
        "insert into records.amendment_requests (tenant_id, id, client_id, requested_by, body) \
         values ($1, $2, $3, $4, $5) returning {COLUMNS}"
    );
    let values: [Value; 5] = [tenant(tx), id.into(), (*client.as_uuid()).into(), (*by.as_uuid()).into(), body.into()];
    let inserted = tx.query_one_raw(stmt(&sql, values)).await?;
    row(&inserted.ok_or_else(|| Error::Internal(anyhow::anyhow!("insert returned no row")))?)
}

pub async fn get(tx: &TenantTx, client: UserId, id: Uuid) -> Result<Option<RequestRow>, Error> {
    let sql =
        format!("select {COLUMNS} from records.amendment_requests where tenant_id = $1 and client_id = $2 and id = $3");
    let values: [Value; 3] = [tenant(tx), (*client.as_uuid()).into(), id.into()];
    tx.query_one_raw(stmt(&sql, values)).await?.as_ref().map(row).transpose()
}

/// Every request of `client`, oldest first.
pub async fn list(tx: &TenantTx, client: UserId) -> Result<Vec<RequestRow>, Error> {
    let sql = format!(
        "select {COLUMNS} from records.amendment_requests where tenant_id = $1 and client_id = $2 \
         order by created_at, id"
    );
    let values: [Value; 2] = [tenant(tx), (*client.as_uuid()).into()];
    tx.query_all_raw(stmt(&sql, values)).await?.iter().map(row).collect()
}

/// Decides a pending request; `None` if it is no longer pending.
pub async fn review(
    tx: &TenantTx,
    id: Uuid,
    status: &'static str,
    reviewer: UserId,
    reason: Vec<u8>,
) -> Result<Option<RequestRow>, Error> {
    let sql = format!(
        "update records.amendment_requests set status = $3, reviewed_by = $4, reviewed_at = now(), reason = $5 \
         where tenant_id = $1 and id = $2 and status = 'pending' returning {COLUMNS}"
    );
    let values: [Value; 5] = [tenant(tx), id.into(), status.into(), (*reviewer.as_uuid()).into(), reason.into()];
    tx.query_one_raw(stmt(&sql, values)).await?.as_ref().map(row).transpose()
}
