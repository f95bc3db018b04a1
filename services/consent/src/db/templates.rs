//! `consent.templates` (RLS): a practice's own templates, every version a row. Plaintext:
//! templates hold no PHI.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait as _, QueryResult, Value};
use tp_consent_api::templates::DocumentKind;
use tp_db::TenantTx;
use tp_ids::UserId;
use uuid::Uuid;

use super::{is_unique_violation, returned, stmt, tenant};
use crate::domain::template::TemplateText;
use crate::error::Error;

#[derive(Debug, Clone)]
pub struct TemplateRow {
    pub id: Uuid,
    pub version: i32,
    pub kind: DocumentKind,
    pub title: String,
    pub body: String,
    pub body_sha256: String,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, version, kind, title, body, body_sha256, created_by, created_at";

/// A kind as the `kind` column spells it (the wire's snake_case names).
pub(crate) fn kind_code(kind: DocumentKind) -> Result<String, Error> {
    match serde_json::to_value(kind) {
        Ok(serde_json::Value::String(code)) => Ok(code),
        _ => Err(Error::Internal(anyhow::anyhow!("a kind without a name"))),
    }
}

fn kind(code: String) -> Result<DocumentKind, Error> {
    serde_json::from_value(serde_json::Value::String(code))
        .map_err(|_| Error::Internal(anyhow::anyhow!("an unknown template kind")))
}

fn row(r: &QueryResult) -> Result<TemplateRow, Error> {
    Ok(TemplateRow {
        id: r.try_get("", "id")?,
        version: r.try_get("", "version")?,
        kind: kind(r.try_get("", "kind")?)?,
        title: r.try_get("", "title")?,
        body: r.try_get("", "body")?,
        body_sha256: r.try_get("", "body_sha256")?,
        created_by: UserId::from_uuid(r.try_get("", "created_by")?),
        created_at: r.try_get("", "created_at")?,
    })
}

/// Version `version` of template `id`. Two versions saved at once compute the same number:
/// the later one is told to try again.
pub async fn insert(
    tx: &TenantTx,
    (id, version): (Uuid, i32),
    text: &TemplateText,
    (body_sha256, by): (&str, UserId),
) -> Result<TemplateRow, Error> {
    let sql = format!(
        "insert into consent.templates (tenant_id, id, version, kind, title, body, body_sha256, created_by) \
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning {COLUMNS}"
    );
    let values: [Value; 8] = [
        tenant(tx),
        id.into(),
        version.into(),
        kind_code(text.kind)?.into(),
        text.title.clone().into(),
        text.body.clone().into(),
        body_sha256.to_owned().into(),
        (*by.as_uuid()).into(),
    ];
    match tx.query_one_raw(stmt(&sql, values)).await {
        Ok(found) => returned(found, row),
        Err(err) if is_unique_violation(&err) => {
            Err(Error::Conflict("another version of this template was saved at the same time; try again"))
        }
        Err(err) => Err(err.into()),
    }
}

/// The latest version of template `id`, if the practice has one.
pub async fn latest(tx: &TenantTx, id: Uuid) -> Result<Option<TemplateRow>, Error> {
    let sql = format!(
        "select {COLUMNS} from consent.templates where tenant_id = $1 and id = $2 order by version desc limit 1"
    );
    tx.query_one_raw(stmt(&sql, [tenant(tx), id.into()])).await?.as_ref().map(row).transpose()
}

/// The latest version of each of the practice's templates, by title.
pub async fn all_latest(tx: &TenantTx) -> Result<Vec<TemplateRow>, Error> {
    let sql = format!(
        "select distinct on (id) {COLUMNS} from consent.templates where tenant_id = $1 order by id, version desc"
    );
    let mut rows: Vec<TemplateRow> =
        tx.query_all_raw(stmt(&sql, [tenant(tx)])).await?.iter().map(row).collect::<Result<_, _>>()?;
    rows.sort_by(|a, b| a.title.cmp(&b.title).then(a.id.cmp(&b.id)));
    Ok(rows)
}

/// Which of `ids` are templates of the practice.
pub async fn existing(tx: &TenantTx, ids: &[Uuid]) -> Result<Vec<Uuid>, Error> {
    let sql = "select distinct id from consent.templates where tenant_id = $1 and id = any($2)";
    let values: [Value; 2] = [tenant(tx), ids.to_vec().into()];
    tx.query_all_raw(stmt(sql, values)).await?.iter().map(|r| Ok(r.try_get("", "id")?)).collect()
}
