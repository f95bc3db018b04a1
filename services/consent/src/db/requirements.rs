//! `consent.requirements` (RLS): one row per practice, the template keys a client must sign
//! before a first appointment. Replaced as a whole; never deleted (no grant).

use sea_orm::{ConnectionTrait as _, Value};
use tp_db::TenantTx;
use tp_ids::UserId;

use super::{stmt, tenant};
use crate::error::Error;

/// The practice's required keys, in the order they were set; none when never set.
pub async fn get(tx: &TenantTx) -> Result<Vec<String>, Error> {
    let sql = "select before_first_appointment from consent.requirements where tenant_id = $1";
    match tx.query_one_raw(stmt(sql, [tenant(tx)])).await? {
        Some(row) => Ok(row.try_get("", "before_first_appointment")?),
        None => Ok(Vec::new()),
    }
}

/// Replaces the practice's required keys.
pub async fn set(tx: &TenantTx, keys: &[String], by: UserId) -> Result<(), Error> {
    let sql = "insert into consent.requirements (tenant_id, before_first_appointment, set_by) values ($1, $2, $3) \
               on conflict (tenant_id) do update set before_first_appointment = excluded.before_first_appointment, \
               set_by = excluded.set_by, set_at = now()";
    let values: [Value; 3] = [tenant(tx), keys.to_vec().into(), (*by.as_uuid()).into()];
    tx.execute_raw(stmt(sql, values)).await?;
    Ok(())
}
