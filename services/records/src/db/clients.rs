//! `records.clients` (RLS): the chart rows, ciphertexts in and ciphertexts out. Nothing here
//! sees a plaintext value, and look-ups by name go through the blind index only.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait as _, QueryResult, Value};
use tp_db::TenantTx;
use tp_ids::UserId;

use super::stmt;
use crate::error::Error;

/// The encrypted columns of a chart, as written and as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedDemographics {
    pub legal_name: Vec<u8>,
    pub preferred_name: Option<Vec<u8>>,
    pub date_of_birth: Option<Vec<u8>>,
    pub phone: Option<Vec<u8>>,
    pub email: Option<Vec<u8>>,
    pub address: Option<Vec<u8>>,
    pub emergency_contact: Option<Vec<u8>>,
}

/// One search hit, still encrypted.
pub struct SealedSummary {
    pub client: UserId,
    pub legal_name: Vec<u8>,
    pub date_of_birth: Option<Vec<u8>>,
}

const COLUMNS: &str = "legal_name, preferred_name, date_of_birth, phone, email, address, emergency_contact";

fn sealed(row: &QueryResult) -> Result<SealedDemographics, Error> {
    Ok(SealedDemographics {
        legal_name: row.try_get("", "legal_name")?,
        preferred_name: row.try_get("", "preferred_name")?,
        date_of_birth: row.try_get("", "date_of_birth")?,
        phone: row.try_get("", "phone")?,
        email: row.try_get("", "email")?,
        address: row.try_get("", "address")?,
        emergency_contact: row.try_get("", "emergency_contact")?,
    })
}

/// The client's chart row, with when it last changed; `None` when nobody recorded it yet.
pub async fn get(tx: &TenantTx, client: UserId) -> Result<Option<(SealedDemographics, DateTime<Utc>)>, Error> {
    let sql = format!("select {COLUMNS}, updated_at from records.clients where tenant_id = $1 and client_id = $2");
    let values: [Value; 2] = [(*tx.tenant().as_uuid()).into(), (*client.as_uuid()).into()];
    match tx.query_one_raw(stmt(&sql, values)).await? {
        Some(row) => Ok(Some((sealed(&row)?, row.try_get("", "updated_at")?))),
        None => Ok(None),
    }
}

/// Creates or replaces the client's demographics; returns the new `updated_at`.
pub async fn upsert(
    tx: &TenantTx,
    client: UserId,
    row: SealedDemographics,
    name_index: Vec<u8>,
) -> Result<DateTime<Utc>, Error> {
    let sql = format!(
        "insert into records.clients (tenant_id, client_id, {COLUMNS}, name_index) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         on conflict (tenant_id, client_id) do update set \
           legal_name = excluded.legal_name, preferred_name = excluded.preferred_name, \
           date_of_birth = excluded.date_of_birth, phone = excluded.phone, email = excluded.email, \
           address = excluded.address, emergency_contact = excluded.emergency_contact, \
           name_index = excluded.name_index \
         returning updated_at"
    );
    let values: [Value; 10] = [
        (*tx.tenant().as_uuid()).into(),
        (*client.as_uuid()).into(),
        row.legal_name.into(),
        row.preferred_name.into(),
        row.date_of_birth.into(),
        row.phone.into(),
        row.email.into(),
        row.address.into(),
        row.emergency_contact.into(),
        name_index.into(),
    ];
    let returned = tx.query_one_raw(stmt(&sql, values)).await?;
    let row = returned.ok_or_else(|| Error::Internal(anyhow::anyhow!("upsert returned no row")))?;
    Ok(row.try_get("", "updated_at")?)
}

/// Clients whose blind index is `name_index`, at most `limit`, in a stable order.
pub async fn find_by_name_index(tx: &TenantTx, name_index: Vec<u8>, limit: u64) -> Result<Vec<SealedSummary>, Error> {
    let sql = "select client_id, legal_name, date_of_birth from records.clients \
               where tenant_id = $1 and name_index = $2 order by client_id limit $3";
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let values: [Value; 3] = [(*tx.tenant().as_uuid()).into(), name_index.into(), limit.into()];
    let rows = tx.query_all_raw(stmt(sql, values)).await?;
    rows.iter()
        .map(|row| {
            Ok(SealedSummary {
                client: UserId::from_uuid(row.try_get("", "client_id")?),
                legal_name: row.try_get("", "legal_name")?,
                date_of_birth: row.try_get("", "date_of_birth")?,
            })
        })
        .collect()
}
