//! `consent.disclosures` (RLS): the accounting of disclosures, append-only. Who and when in
//! plaintext, what and to whom one ciphertext.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait as _, QueryResult, Value};
use tp_db::TenantTx;
use tp_ids::UserId;
use uuid::Uuid;

use super::{returned, stmt, tenant};
use crate::error::Error;

#[derive(Debug, Clone)]
pub struct DisclosureRow {
    pub id: Uuid,
    pub client: UserId,
    pub disclosed_by: UserId,
    pub disclosed_at: DateTime<Utc>,
    pub record: Vec<u8>,
}

const COLUMNS: &str = "id, client_id, disclosed_by, disclosed_at, record";

fn row(r: &QueryResult) -> Result<DisclosureRow, Error> {
    Ok(DisclosureRow {
        id: r.try_get("", "id")?,
        client: UserId::from_uuid(r.try_get("", "client_id")?),
        disclosed_by: UserId::from_uuid(r.try_get("", "disclosed_by")?),
        disclosed_at: r.try_get("", "disclosed_at")?,
        record: r.try_get("", "record")?,
    })
}

pub async fn insert(
    tx: &TenantTx,
    (id, client): (Uuid, UserId),
    by: UserId,
    record: Vec<u8>,
) -> Result<DisclosureRow, Error> {
    let sql = format!(
        "insert into consent.disclosures (tenant_id, id, client_id, disclosed_by, record) \
         values ($1, $2, $3, $4, $5) returning {COLUMNS}"
    );
    let values: [Value; 5] = [tenant(tx), id.into(), (*client.as_uuid()).into(), (*by.as_uuid()).into(), record.into()];
    returned(tx.query_one_raw(stmt(&sql, values)).await?, row)
}

/// The client's disclosures, newest first.
pub async fn of_client(tx: &TenantTx, client: UserId) -> Result<Vec<DisclosureRow>, Error> {
    let sql = format!(
        "select {COLUMNS} from consent.disclosures where tenant_id = $1 and client_id = $2 \
         order by disclosed_at desc, id desc"
    );
    let values: [Value; 2] = [tenant(tx), (*client.as_uuid()).into()];
    tx.query_all_raw(stmt(&sql, values)).await?.iter().map(row).collect()
}
