//! `records.break_glass` (RLS): openings are inserted and read, never changed (the table's
//! trigger refuses it).

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait as _, QueryResult, Value};
use tp_db::TenantTx;
use tp_ids::UserId;
use uuid::Uuid;

use super::stmt;
use crate::error::Error;

#[derive(Debug, Clone)]
pub struct GrantRow {
    pub id: Uuid,
    pub client: UserId,
    pub clinician: UserId,
    pub reason: Vec<u8>,
    pub opened_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, client_id, clinician_id, reason, opened_at, expires_at";

fn row(r: &QueryResult) -> Result<GrantRow, Error> {
    Ok(GrantRow {
        id: r.try_get("", "id")?,
        client: UserId::from_uuid(r.try_get("", "client_id")?),
        clinician: UserId::from_uuid(r.try_get("", "clinician_id")?),
        reason: r.try_get("", "reason")?,
        opened_at: r.try_get("", "opened_at")?,
        expires_at: r.try_get("", "expires_at")?,
    })
}

fn tenant(tx: &TenantTx) -> Value {
    (*tx.tenant().as_uuid()).into()
}

/// Opens the chart of `client` to `clinician` for `minutes` from now (the database's clock).
pub async fn insert(
    tx: &TenantTx,
    id: Uuid,
    (client, clinician): (UserId, UserId),
    reason: Vec<u8>,
    minutes: u32,
) -> Result<GrantRow, Error> {
    let sql = format!(
        "insert into records.break_glass (tenant_id, id, client_id, clinician_id, reason, expires_at) \
         values ($1, $2, $3, $4, $5, now() + make_interval(mins => $6)) returning {COLUMNS}"
    );
    let values: [Value; 6] = [
        tenant(tx),
        id.into(),
        (*client.as_uuid()).into(),
        (*clinician.as_uuid()).into(),
        reason.into(),
        i32::try_from(minutes).unwrap_or(i32::MAX).into(),
    ];
    let inserted = tx.query_one_raw(stmt(&sql, values)).await?;
    row(&inserted.ok_or_else(|| Error::Internal(anyhow::anyhow!("insert returned no row")))?)
}

/// The opening that lets `clinician` into `client`'s chart now, if any (the latest to end).
pub async fn active(tx: &TenantTx, clinician: UserId, client: UserId) -> Result<Option<Uuid>, Error> {
    let sql = "select id from records.break_glass \
               where tenant_id = $1 and clinician_id = $2 and client_id = $3 and expires_at > now() \
               order by expires_at desc limit 1";
    let values: [Value; 3] = [tenant(tx), (*clinician.as_uuid()).into(), (*client.as_uuid()).into()];
    match tx.query_one_raw(stmt(sql, values)).await? {
        Some(found) => Ok(Some(found.try_get("", "id")?)),
        None => Ok(None),
    }
}

/// The practice's openings, newest first, at most `limit`; only those still open if
/// `active_only`.
pub async fn list(tx: &TenantTx, active_only: bool, limit: u64) -> Result<Vec<GrantRow>, Error> {
    let sql = format!(
        "select {COLUMNS} from records.break_glass where tenant_id = $1 and (not $2 or expires_at > now()) \
         order by opened_at desc, id desc limit $3"
    );
    let values: [Value; 3] = [tenant(tx), active_only.into(), i64::try_from(limit).unwrap_or(i64::MAX).into()];
    tx.query_all_raw(stmt(&sql, values)).await?.iter().map(row).collect()
}
