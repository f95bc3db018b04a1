//! `consent.transfer_links` (RLS): the link of an outside transfer's package. The token's
//! SHA-256, the sealed one-time code, the count of wrong codes and when the link locked
//! (opening the code is `crate::seal`'s business). A row only ever counts one more wrong
//! code, until it locks (see the migration).

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait as _, QueryResult, Value};
use tp_db::TenantTx;
use uuid::Uuid;

use super::{stmt, tenant};
use crate::error::Error;

#[derive(Debug, Clone)]
pub struct LinkRow {
    pub id: Uuid,
    pub token_sha256: Vec<u8>,
    pub code: Vec<u8>,
    pub failed_attempts: i32,
    pub locked_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, token_sha256, code, failed_attempts, locked_at";

fn row(r: &QueryResult) -> Result<LinkRow, Error> {
    Ok(LinkRow {
        id: r.try_get("", "id")?,
        token_sha256: r.try_get("", "token_sha256")?,
        code: r.try_get("", "code")?,
        failed_attempts: r.try_get("", "failed_attempts")?,
        locked_at: r.try_get("", "locked_at")?,
    })
}

/// The link of transfer `id`, made when its package is handed over.
pub async fn insert(tx: &TenantTx, id: Uuid, token_sha256: Vec<u8>, code: Vec<u8>) -> Result<(), Error> {
    let sql = "insert into consent.transfer_links (tenant_id, id, token_sha256, code) values ($1, $2, $3, $4)";
    let values: [Value; 4] = [tenant(tx), id.into(), token_sha256.into(), code.into()];
    tx.execute_raw(stmt(sql, values)).await?;
    Ok(())
}

/// The link of transfer `id`, `for update` when `lock`: a code is checked against it and
/// its count may go up, one guess at a time.
pub async fn one(tx: &TenantTx, id: Uuid, lock: bool) -> Result<Option<LinkRow>, Error> {
    let lock = if lock { " for update" } else { "" };
    let sql = format!("select {COLUMNS} from consent.transfer_links where tenant_id = $1 and id = $2{lock}");
    let values: [Value; 2] = [tenant(tx), id.into()];
    tx.query_one_raw(stmt(&sql, values)).await?.as_ref().map(row).transpose()
}

/// Every link of the practice (the members' list shows codes and locks).
pub async fn all(tx: &TenantTx) -> Result<Vec<LinkRow>, Error> {
    let sql = format!("select {COLUMNS} from consent.transfer_links where tenant_id = $1");
    let values: [Value; 1] = [tenant(tx)];
    tx.query_all_raw(stmt(&sql, values)).await?.iter().map(row).collect()
}

/// Counts one more wrong code; the link locks when `locks` (the last attempt).
pub async fn count_wrong_code(tx: &TenantTx, id: Uuid, locks: bool) -> Result<(), Error> {
    let sql = "update consent.transfer_links set failed_attempts = failed_attempts + 1, \
               locked_at = case when $3 then now() else null end where tenant_id = $1 and id = $2";
    let values: [Value; 3] = [tenant(tx), id.into(), locks.into()];
    tx.execute_raw(stmt(sql, values)).await?;
    Ok(())
}
