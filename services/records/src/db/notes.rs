//! `records.notes` (RLS): note rows, ciphertext in and ciphertext out. Edits touch drafts
//! only (`status = 'draft'` in the statement), and signing is one UPDATE of status, hash,
//! signer and time; the database refuses any later change of a signed row on its own.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait as _, QueryResult, Value};
use tp_db::TenantTx;
use tp_ids::UserId;
use uuid::Uuid;

use super::stmt;
use crate::error::Error;

/// A note row as stored: `template` and `status` as their database codes.
#[derive(Debug, Clone)]
pub struct NoteRow {
    pub id: Uuid,
    pub client: UserId,
    pub author: UserId,
    pub template: String,
    pub body: Vec<u8>,
    pub status: String,
    pub content_hash: Option<Vec<u8>>,
    pub signed_by: Option<UserId>,
    pub signed_at: Option<DateTime<Utc>>,
    pub amends: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a new draft is made of.
pub struct NewNote {
    pub id: Uuid,
    pub client: UserId,
    pub author: UserId,
    pub template: &'static str,
    pub body: Vec<u8>,
    pub amends: Option<Uuid>,
}

const COLUMNS: &str = "id, client_id, author_id, template, body, status, content_hash, signed_by, signed_at, \
                       amends, created_at, updated_at";

fn row(r: &QueryResult) -> Result<NoteRow, Error> {
    let signed_by: Option<Uuid> = r.try_get("", "signed_by")?;
    Ok(NoteRow {
        id: r.try_get("", "id")?,
        client: UserId::from_uuid(r.try_get("", "client_id")?),
        author: UserId::from_uuid(r.try_get("", "author_id")?),
        template: r.try_get("", "template")?,
        body: r.try_get("", "body")?,
        status: r.try_get("", "status")?,
        content_hash: r.try_get("", "content_hash")?,
        signed_by: signed_by.map(UserId::from_uuid),
        signed_at: r.try_get("", "signed_at")?,
        amends: r.try_get("", "amends")?,
        created_at: r.try_get("", "created_at")?,
        updated_at: r.try_get("", "updated_at")?,
    })
}

fn tenant(tx: &TenantTx) -> Value {
    (*tx.tenant().as_uuid()).into()
}

pub async fn insert(tx: &TenantTx, new: NewNote) -> Result<NoteRow, Error> {
    let sql = format!(
        "insert into records.notes (tenant_id, id, client_id, author_id, template, body, status, amends) \
         values ($1, $2, $3, $4, $5, $6, 'draft', $7) returning {COLUMNS}"
    );
    let values: [Value; 7] = [
        tenant(tx),
        new.id.into(),
        (*new.client.as_uuid()).into(),
        (*new.author.as_uuid()).into(),
        new.template.into(),
        new.body.into(),
        new.amends.into(),
    ];
    let inserted = tx.query_one_raw(stmt(&sql, values)).await?;
    row(&inserted.ok_or_else(|| Error::Internal(anyhow::anyhow!("insert returned no row")))?)
}

/// The note `id` of `client`; `None` when there is none (or it is another client's).
pub async fn get(tx: &TenantTx, client: UserId, id: Uuid) -> Result<Option<NoteRow>, Error> {
    let sql = format!("select {COLUMNS} from records.notes where tenant_id = $1 and client_id = $2 and id = $3");
    let values: [Value; 3] = [tenant(tx), (*client.as_uuid()).into(), id.into()];
    tx.query_one_raw(stmt(&sql, values)).await?.as_ref().map(row).transpose()
}

/// Every note of `client`, oldest first.
pub async fn list(tx: &TenantTx, client: UserId) -> Result<Vec<NoteRow>, Error> {
    let sql =
        format!("select {COLUMNS} from records.notes where tenant_id = $1 and client_id = $2 order by created_at, id");
    let values: [Value; 2] = [tenant(tx), (*client.as_uuid()).into()];
    tx.query_all_raw(stmt(&sql, values)).await?.iter().map(row).collect()
}

/// Replaces a draft's template and body; `None` if the row is no longer a draft.
pub async fn update_draft(
    tx: &TenantTx,
    id: Uuid,
    template: &'static str,
    body: Vec<u8>,
) -> Result<Option<NoteRow>, Error> {
    let sql = format!(
        "update records.notes set template = $3, body = $4 \
         where tenant_id = $1 and id = $2 and status = 'draft' returning {COLUMNS}"
    );
    let values: [Value; 4] = [tenant(tx), id.into(), template.into(), body.into()];
    tx.query_one_raw(stmt(&sql, values)).await?.as_ref().map(row).transpose()
}

/// Signs a draft in one statement; `None` if the row is no longer a draft.
pub async fn sign(tx: &TenantTx, id: Uuid, hash: Vec<u8>, signer: UserId) -> Result<Option<NoteRow>, Error> {
    let sql = format!(
        "update records.notes set status = 'signed', content_hash = $3, signed_by = $4, signed_at = now() \
         where tenant_id = $1 and id = $2 and status = 'draft' returning {COLUMNS}"
    );
    let values: [Value; 4] = [tenant(tx), id.into(), hash.into(), (*signer.as_uuid()).into()];
    tx.query_one_raw(stmt(&sql, values)).await?.as_ref().map(row).transpose()
}
