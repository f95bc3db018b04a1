//! `consent.signatures` and `consent.withdrawals` (RLS). A signature row is ids, a time and
//! one ciphertext in, the same out: opening it is `crate::seal`'s business.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait as _, QueryResult, Value};
use tp_db::TenantTx;
use tp_ids::UserId;
use uuid::Uuid;

use super::{is_unique_violation, returned, stmt, tenant};
use crate::error::Error;

#[derive(Debug, Clone)]
pub struct SignatureRow {
    pub id: Uuid,
    pub client: UserId,
    pub signed_at: DateTime<Utc>,
    /// The sealed document.
    pub document: Vec<u8>,
    pub withdrawn_at: Option<DateTime<Utc>>,
}

/// The signature's columns and its withdrawal's time, for statements that join `w`.
const COLUMNS: &str = "s.id, s.client_id, s.signed_at, s.document, w.withdrawn_at";
const FROM: &str = "consent.signatures s left join consent.withdrawals w \
                    on w.tenant_id = s.tenant_id and w.signature_id = s.id";

fn row(r: &QueryResult) -> Result<SignatureRow, Error> {
    Ok(SignatureRow {
        id: r.try_get("", "id")?,
        client: UserId::from_uuid(r.try_get("", "client_id")?),
        signed_at: r.try_get("", "signed_at")?,
        document: r.try_get("", "document")?,
        withdrawn_at: r.try_get("", "withdrawn_at")?,
    })
}

pub async fn insert(tx: &TenantTx, id: Uuid, client: UserId, document: Vec<u8>) -> Result<SignatureRow, Error> {
    let sql = "insert into consent.signatures (tenant_id, id, client_id, document) values ($1, $2, $3, $4) \
               returning id, client_id, signed_at, document, null::timestamptz as withdrawn_at";
    let values: [Value; 4] = [tenant(tx), id.into(), (*client.as_uuid()).into(), document.into()];
    returned(tx.query_one_raw(stmt(sql, values)).await?, row)
}

/// The client's signatures, newest first.
pub async fn of_client(tx: &TenantTx, client: UserId) -> Result<Vec<SignatureRow>, Error> {
    let sql = format!(
        "select {COLUMNS} from {FROM} where s.tenant_id = $1 and s.client_id = $2 order by s.signed_at desc, s.id desc"
    );
    let values: [Value; 2] = [tenant(tx), (*client.as_uuid()).into()];
    tx.query_all_raw(stmt(&sql, values)).await?.iter().map(row).collect()
}

/// One of the client's signatures (another client's id is not found).
pub async fn one(tx: &TenantTx, client: UserId, id: Uuid) -> Result<Option<SignatureRow>, Error> {
    let sql = format!("select {COLUMNS} from {FROM} where s.tenant_id = $1 and s.client_id = $2 and s.id = $3");
    let values: [Value; 3] = [tenant(tx), (*client.as_uuid()).into(), id.into()];
    tx.query_one_raw(stmt(&sql, values)).await?.as_ref().map(row).transpose()
}

/// Withdraws the client's signature `id`: its withdrawal time, or a conflict when it was
/// withdrawn already (the key allows one withdrawal per signature).
pub async fn withdraw(tx: &TenantTx, client: UserId, id: Uuid) -> Result<DateTime<Utc>, Error> {
    let sql = "insert into consent.withdrawals (tenant_id, signature_id, client_id) values ($1, $2, $3) \
               returning withdrawn_at";
    let values: [Value; 3] = [tenant(tx), id.into(), (*client.as_uuid()).into()];
    match tx.query_one_raw(stmt(sql, values)).await {
        Ok(found) => returned(found, |r| Ok(r.try_get("", "withdrawn_at")?)),
        Err(err) if is_unique_violation(&err) => Err(Error::Conflict("this consent was already withdrawn")),
        Err(err) => Err(err.into()),
    }
}
