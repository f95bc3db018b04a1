//! `consent.restrictions` (RLS): ids, times and the review's status in plaintext; the
//! request and the review's reason are ciphertexts. Reviewed once (grants and a trigger).

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait as _, QueryResult, Value};
use tp_db::TenantTx;
use tp_ids::UserId;
use uuid::Uuid;

use super::{returned, stmt, tenant};
use crate::error::Error;

#[derive(Debug, Clone)]
pub struct RestrictionRow {
    pub id: Uuid,
    pub client: UserId,
    pub created_at: DateTime<Utc>,
    /// `requested`, `accepted` or `declined` (a check constraint).
    pub status: String,
    pub reviewed_by: Option<UserId>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub request: Vec<u8>,
    pub review: Option<Vec<u8>>,
}

const COLUMNS: &str = "id, client_id, created_at, status, reviewed_by, reviewed_at, request, review";

fn row(r: &QueryResult) -> Result<RestrictionRow, Error> {
    let reviewed_by: Option<Uuid> = r.try_get("", "reviewed_by")?;
    Ok(RestrictionRow {
        id: r.try_get("", "id")?,
        client: UserId::from_uuid(r.try_get("", "client_id")?),
        created_at: r.try_get("", "created_at")?,
        status: r.try_get("", "status")?,
        reviewed_by: reviewed_by.map(UserId::from_uuid),
        reviewed_at: r.try_get("", "reviewed_at")?,
        request: r.try_get("", "request")?,
        review: r.try_get("", "review")?,
    })
}

pub async fn insert(tx: &TenantTx, id: Uuid, client: UserId, request: Vec<u8>) -> Result<RestrictionRow, Error> {
    let sql = format!(
        "insert into consent.restrictions (tenant_id, id, client_id, request) values ($1, $2, $3, $4) \
         returning {COLUMNS}"
    );
    let values: [Value; 4] = [tenant(tx), id.into(), (*client.as_uuid()).into(), request.into()];
    returned(tx.query_one_raw(stmt(&sql, values)).await?, row)
}

/// The client's restrictions, newest first; `accepted_only` for decisions (locked `for
/// share` then, like the authorizations).
pub async fn of_client(tx: &TenantTx, client: UserId, accepted_only: bool) -> Result<Vec<RestrictionRow>, Error> {
    let sql = if accepted_only {
        format!(
            "select {COLUMNS} from consent.restrictions where tenant_id = $1 and client_id = $2 \
             and status = 'accepted' order by created_at desc, id desc for share"
        )
    } else {
        format!(
            "select {COLUMNS} from consent.restrictions where tenant_id = $1 and client_id = $2 \
             order by created_at desc, id desc"
        )
    };
    let values: [Value; 2] = [tenant(tx), (*client.as_uuid()).into()];
    tx.query_all_raw(stmt(&sql, values)).await?.iter().map(row).collect()
}

pub async fn one(tx: &TenantTx, client: UserId, id: Uuid) -> Result<Option<RestrictionRow>, Error> {
    let sql = format!("select {COLUMNS} from consent.restrictions where tenant_id = $1 and client_id = $2 and id = $3");
    let values: [Value; 3] = [tenant(tx), (*client.as_uuid()).into(), id.into()];
    tx.query_one_raw(stmt(&sql, values)).await?.as_ref().map(row).transpose()
}

/// The review, if the restriction is still requested: the row, or `None` (unknown or
/// reviewed already; the caller tells which).
pub async fn review(
    tx: &TenantTx,
    (client, id): (UserId, Uuid),
    accepted: bool,
    (by, reason): (UserId, Vec<u8>),
) -> Result<Option<RestrictionRow>, Error> {
    let sql = format!(
        "update consent.restrictions set status = $4, reviewed_by = $5, reviewed_at = now(), review = $6 \
         where tenant_id = $1 and client_id = $2 and id = $3 and status = 'requested' returning {COLUMNS}"
    );
    let status = if accepted { "accepted" } else { "declined" };
    let values: [Value; 6] =
        [tenant(tx), (*client.as_uuid()).into(), id.into(), status.into(), (*by.as_uuid()).into(), reason.into()];
    tx.query_one_raw(stmt(&sql, values)).await?.as_ref().map(row).transpose()
}
