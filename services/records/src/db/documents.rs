//! `records.documents` (RLS): document rows, ciphertexts in and out. Listing never reads
//! the content column, so a list of large files costs their metadata only.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait as _, QueryResult, Value};
use tp_db::TenantTx;
use tp_ids::UserId;
use uuid::Uuid;

use super::stmt;
use crate::error::Error;

/// A document row without its content.
#[derive(Debug, Clone)]
pub struct DocumentRow {
    pub id: Uuid,
    pub client: UserId,
    pub meta: Vec<u8>,
    pub media_type: String,
    pub size_bytes: i64,
    pub uploaded_by: UserId,
    pub uploaded_at: DateTime<Utc>,
}

pub struct NewDocument {
    pub id: Uuid,
    pub client: UserId,
    pub meta: Vec<u8>,
    pub content: Vec<u8>,
    pub media_type: &'static str,
    pub size_bytes: i64,
    pub uploaded_by: UserId,
}

const COLUMNS: &str = "id, client_id, meta, media_type, size_bytes, uploaded_by, uploaded_at";

fn row(r: &QueryResult) -> Result<DocumentRow, Error> {
    Ok(DocumentRow {
        id: r.try_get("", "id")?,
        client: UserId::from_uuid(r.try_get("", "client_id")?),
        meta: r.try_get("", "meta")?,
        media_type: r.try_get("", "media_type")?,
        size_bytes: r.try_get("", "size_bytes")?,
        uploaded_by: UserId::from_uuid(r.try_get("", "uploaded_by")?),
        uploaded_at: r.try_get("", "uploaded_at")?,
    })
}

fn tenant(tx: &TenantTx) -> Value {
    (*tx.tenant().as_uuid()).into()
}

pub async fn insert(tx: &TenantTx, new: NewDocument) -> Result<DocumentRow, Error> {
    let sql = format!(
        "insert into records.documents (tenant_id, id, client_id, meta, content, media_type, size_bytes, uploaded_by) \
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning {COLUMNS}"
    );
    let values: [Value; 8] = [
        tenant(tx),
        new.id.into(),
        (*new.client.as_uuid()).into(),
        new.meta.into(),
        new.content.into(),
        new.media_type.into(),
        new.size_bytes.into(),
        (*new.uploaded_by.as_uuid()).into(),
    ];
    let inserted = tx.query_one_raw(stmt(&sql, values)).await?;
    row(&inserted.ok_or_else(|| Error::Internal(anyhow::anyhow!("insert returned no row")))?)
}

/// Every document of `client`, oldest first, without content.
pub async fn list(tx: &TenantTx, client: UserId) -> Result<Vec<DocumentRow>, Error> {
    let sql = format!(
        "select {COLUMNS} from records.documents where tenant_id = $1 and client_id = $2 order by uploaded_at, id"
    );
    let values: [Value; 2] = [tenant(tx), (*client.as_uuid()).into()];
    tx.query_all_raw(stmt(&sql, values)).await?.iter().map(row).collect()
}

/// The document `id` of `client` with its content; `None` if there is none (or another
/// client's).
pub async fn get_with_content(
    tx: &TenantTx,
    client: UserId,
    id: Uuid,
) -> Result<Option<(DocumentRow, Vec<u8>)>, Error> {
    let sql =
        format!("select {COLUMNS}, content from records.documents where tenant_id = $1 and client_id = $2 and id = $3");
    let values: [Value; 3] = [tenant(tx), (*client.as_uuid()).into(), id.into()];
    match tx.query_one_raw(stmt(&sql, values)).await? {
        Some(r) => Ok(Some((row(&r)?, r.try_get("", "content")?))),
        None => Ok(None),
    }
}
