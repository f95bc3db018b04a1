//! `records.psychotherapy_notes` (RLS): rows of one author only. Every statement names the
//! author, so no query here can return another clinician's note, except
//! [`every_author_for_authorized_disclosure`], which only a disclosure package calls.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait as _, QueryResult, Value};
use tp_db::TenantTx;
use tp_ids::UserId;
use uuid::Uuid;

use super::stmt;
use crate::error::Error;

#[derive(Debug, Clone)]
pub struct PsychotherapyRow {
    pub id: Uuid,
    pub client: UserId,
    pub author: UserId,
    pub body: Vec<u8>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, client_id, author_id, body, created_at, updated_at";

fn row(r: &QueryResult) -> Result<PsychotherapyRow, Error> {
    Ok(PsychotherapyRow {
        id: r.try_get("", "id")?,
        client: UserId::from_uuid(r.try_get("", "client_id")?),
        author: UserId::from_uuid(r.try_get("", "author_id")?),
        body: r.try_get("", "body")?,
        created_at: r.try_get("", "created_at")?,
        updated_at: r.try_get("", "updated_at")?,
    })
}

/// The ids every statement is bound to: practice, client and author.
fn keys(tx: &TenantTx, client: UserId, author: UserId) -> [Value; 3] {
    [(*tx.tenant().as_uuid()).into(), (*client.as_uuid()).into(), (*author.as_uuid()).into()]
}

pub async fn insert(
    tx: &TenantTx,
    (client, author): (UserId, UserId),
    id: Uuid,
    body: Vec<u8>,
) -> Result<PsychotherapyRow, Error> {
    let sql = format!(
        "insert into records.psychotherapy_notes (tenant_id, client_id, author_id, id, body) \
         values ($1, $2, $3, $4, $5) returning {COLUMNS}"
    );
    let [t, c, a] = keys(tx, client, author);
    let inserted = tx.query_one_raw(stmt(&sql, [t, c, a, id.into(), body.into()])).await?;
    row(&inserted.ok_or_else(|| Error::Internal(anyhow::anyhow!("insert returned no row")))?)
}

/// `author`'s notes about `client`, oldest first.
pub async fn list(tx: &TenantTx, (client, author): (UserId, UserId)) -> Result<Vec<PsychotherapyRow>, Error> {
    let sql = format!(
        "select {COLUMNS} from records.psychotherapy_notes \
         where tenant_id = $1 and client_id = $2 and author_id = $3 order by created_at, id"
    );
    tx.query_all_raw(stmt(&sql, keys(tx, client, author))).await?.iter().map(row).collect()
}

/// Every author's notes about `client`, oldest first: for a disclosure package only, made
/// under the client's own authorization for psychotherapy notes, which is what HIPAA allows
/// them to be disclosed under (45 CFR 164.508(a)(2)). Every other path reads an author's
/// own notes and nothing else; nothing but `chart::disclosure` may call this.
pub async fn every_author_for_authorized_disclosure(
    tx: &TenantTx,
    client: UserId,
) -> Result<Vec<PsychotherapyRow>, Error> {
    let sql = format!(
        "select {COLUMNS} from records.psychotherapy_notes \
         where tenant_id = $1 and client_id = $2 order by created_at, id"
    );
    let values: [Value; 2] = [(*tx.tenant().as_uuid()).into(), (*client.as_uuid()).into()];
    tx.query_all_raw(stmt(&sql, values)).await?.iter().map(row).collect()
}

/// `author`'s note `id` about `client`; `None` for anyone else's.
pub async fn get(
    tx: &TenantTx,
    (client, author): (UserId, UserId),
    id: Uuid,
) -> Result<Option<PsychotherapyRow>, Error> {
    let sql = format!(
        "select {COLUMNS} from records.psychotherapy_notes \
         where tenant_id = $1 and client_id = $2 and author_id = $3 and id = $4"
    );
    let [t, c, a] = keys(tx, client, author);
    tx.query_one_raw(stmt(&sql, [t, c, a, id.into()])).await?.as_ref().map(row).transpose()
}

/// Replaces the text of `author`'s note; `None` for anyone else's.
pub async fn update(
    tx: &TenantTx,
    (client, author): (UserId, UserId),
    id: Uuid,
    body: Vec<u8>,
) -> Result<Option<PsychotherapyRow>, Error> {
    let sql = format!(
        "update records.psychotherapy_notes set body = $5 \
         where tenant_id = $1 and client_id = $2 and author_id = $3 and id = $4 returning {COLUMNS}"
    );
    let [t, c, a] = keys(tx, client, author);
    tx.query_one_raw(stmt(&sql, [t, c, a, id.into(), body.into()])).await?.as_ref().map(row).transpose()
}
