//! `records.diagnoses` and `records.medications` (RLS): list-shaped chart items whose whole
//! content is one ciphertext (`body`). Ciphertext in, ciphertext out; rows are inserted and
//! replaced, never deleted (the service role has no DELETE on them).

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait as _, QueryResult, Value};
use tp_db::TenantTx;
use tp_ids::UserId;
use uuid::Uuid;

use super::stmt;
use crate::error::Error;

/// Which item table. The table name comes from here only, never from input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemTable {
    Diagnoses,
    Medications,
}

impl ItemTable {
    pub const fn name(self) -> &'static str {
        match self {
            ItemTable::Diagnoses => "records.diagnoses",
            ItemTable::Medications => "records.medications",
        }
    }
}

/// An item row as stored.
#[derive(Debug, Clone)]
pub struct ItemRow {
    pub id: Uuid,
    pub client: UserId,
    pub body: Vec<u8>,
    pub recorded_by: UserId,
    pub updated_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, client_id, body, recorded_by, updated_by, created_at, updated_at";

fn row(r: &QueryResult) -> Result<ItemRow, Error> {
    Ok(ItemRow {
        id: r.try_get("", "id")?,
        client: UserId::from_uuid(r.try_get("", "client_id")?),
        body: r.try_get("", "body")?,
        recorded_by: UserId::from_uuid(r.try_get("", "recorded_by")?),
        updated_by: UserId::from_uuid(r.try_get("", "updated_by")?),
        created_at: r.try_get("", "created_at")?,
        updated_at: r.try_get("", "updated_at")?,
    })
}

fn tenant(tx: &TenantTx) -> Value {
    (*tx.tenant().as_uuid()).into()
}

pub async fn insert(
    tx: &TenantTx,
    table: ItemTable,
    (id, client): (Uuid, UserId),
    body: Vec<u8>,
    by: UserId,
) -> Result<ItemRow, Error> {
    let sql = format!(
        "insert into {} (tenant_id, id, client_id, body, recorded_by, updated_by) \
         values ($1, $2, $3, $4, $5, $5) returning {COLUMNS}",
        table.name()
    );
    let values: [Value; 5] = [tenant(tx), id.into(), (*client.as_uuid()).into(), body.into(), (*by.as_uuid()).into()];
    let inserted = tx.query_one_raw(stmt(&sql, values)).await?;
    row(&inserted.ok_or_else(|| Error::Internal(anyhow::anyhow!("insert returned no row")))?)
}

/// Replaces the body of `client`'s item `id`; `None` when there is none (or it is another
/// client's).
pub async fn replace(
    tx: &TenantTx,
    table: ItemTable,
    (id, client): (Uuid, UserId),
    body: Vec<u8>,
    by: UserId,
) -> Result<Option<ItemRow>, Error> {
    let sql = format!(
        "update {} set body = $4, updated_by = $5 \
         where tenant_id = $1 and client_id = $2 and id = $3 returning {COLUMNS}",
        table.name()
    );
    let values: [Value; 5] = [tenant(tx), (*client.as_uuid()).into(), id.into(), body.into(), (*by.as_uuid()).into()];
    tx.query_one_raw(stmt(&sql, values)).await?.as_ref().map(row).transpose()
}

/// Every item of `client`, oldest first.
pub async fn list(tx: &TenantTx, table: ItemTable, client: UserId) -> Result<Vec<ItemRow>, Error> {
    let sql = format!(
        "select {COLUMNS} from {} where tenant_id = $1 and client_id = $2 order by created_at, id",
        table.name()
    );
    let values: [Value; 2] = [tenant(tx), (*client.as_uuid()).into()];
    tx.query_all_raw(stmt(&sql, values)).await?.iter().map(row).collect()
}
