//! `records.form_templates` and `records.form_responses` (RLS). Templates are plain JSON
//! (no PHI); responses are ciphertexts in and out.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait as _, QueryResult, Value};
use tp_db::TenantTx;
use tp_ids::UserId;
use uuid::Uuid;

use super::stmt;
use crate::error::Error;

#[derive(Debug, Clone)]
pub struct TemplateRow {
    pub id: Uuid,
    pub version: i32,
    pub title: String,
    pub schema: serde_json::Value,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct ResponseRow {
    pub id: Uuid,
    pub client: UserId,
    pub template_id: Option<Uuid>,
    pub template_version: Option<i32>,
    pub instrument: Option<String>,
    pub answers: Vec<u8>,
    pub score: Option<Vec<u8>>,
    pub responded_by: UserId,
    pub created_at: DateTime<Utc>,
}

pub struct NewResponse {
    pub id: Uuid,
    pub client: UserId,
    pub template: Option<(Uuid, i32)>,
    pub instrument: Option<&'static str>,
    pub answers: Vec<u8>,
    pub score: Option<Vec<u8>>,
    pub responded_by: UserId,
}

const TEMPLATE_COLUMNS: &str = "id, version, title, schema, created_by, created_at";
const RESPONSE_COLUMNS: &str =
    "id, client_id, template_id, template_version, instrument, answers, score, responded_by, created_at";

fn template(r: &QueryResult) -> Result<TemplateRow, Error> {
    Ok(TemplateRow {
        id: r.try_get("", "id")?,
        version: r.try_get("", "version")?,
        title: r.try_get("", "title")?,
        schema: r.try_get("", "schema")?,
        created_by: UserId::from_uuid(r.try_get("", "created_by")?),
        created_at: r.try_get("", "created_at")?,
    })
}

fn response(r: &QueryResult) -> Result<ResponseRow, Error> {
    Ok(ResponseRow {
        id: r.try_get("", "id")?,
        client: UserId::from_uuid(r.try_get("", "client_id")?),
        template_id: r.try_get("", "template_id")?,
        template_version: r.try_get("", "template_version")?,
        instrument: r.try_get("", "instrument")?,
        answers: r.try_get("", "answers")?,
        score: r.try_get("", "score")?,
        responded_by: UserId::from_uuid(r.try_get("", "responded_by")?),
        created_at: r.try_get("", "created_at")?,
    })
}

fn tenant(tx: &TenantTx) -> Value {
    (*tx.tenant().as_uuid()).into()
}

fn one<T>(found: Option<QueryResult>, map: fn(&QueryResult) -> Result<T, Error>) -> Result<T, Error> {
    map(&found.ok_or_else(|| Error::Internal(anyhow::anyhow!("insert returned no row")))?)
}

/// A template version: version 1 of a new id, or the next version of `id` (`None` when the
/// practice has no template `id`). Concurrent versions of one template collide on the key.
pub async fn insert_template(
    tx: &TenantTx,
    id: Uuid,
    next_version: bool,
    (title, schema, by): (&str, &serde_json::Value, UserId),
) -> Result<Option<TemplateRow>, Error> {
    let version = if next_version {
        "(select max(version) + 1 from records.form_templates where tenant_id = $1 and id = $2)"
    } else {
        "1"
    };
    let sql = format!(
        "insert into records.form_templates (tenant_id, id, version, title, schema, created_by) \
         select $1, $2, v, $3, $4, $5 from (select {version} as v) n where v is not null returning {TEMPLATE_COLUMNS}"
    );
    let values: [Value; 5] = [tenant(tx), id.into(), title.into(), schema.clone().into(), (*by.as_uuid()).into()];
    match tx.query_one_raw(stmt(&sql, values)).await {
        Ok(row) => row.as_ref().map(template).transpose(),
        // Two versions saved at once computed the same number; the later one is told so.
        Err(err) if matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => {
            Err(Error::Conflict("another version of this template was saved at the same time; try again"))
        }
        Err(err) => Err(err.into()),
    }
}

/// The latest version of each template of the practice, by title.
pub async fn latest_templates(tx: &TenantTx) -> Result<Vec<TemplateRow>, Error> {
    let sql = format!(
        "select distinct on (id) {TEMPLATE_COLUMNS} from records.form_templates where tenant_id = $1 \
         order by id, version desc"
    );
    let mut rows: Vec<TemplateRow> =
        tx.query_all_raw(stmt(&sql, [tenant(tx)])).await?.iter().map(template).collect::<Result<_, _>>()?;
    rows.sort_by(|a, b| a.title.cmp(&b.title).then(a.id.cmp(&b.id)));
    Ok(rows)
}

pub async fn template_version(tx: &TenantTx, id: Uuid, version: i32) -> Result<Option<TemplateRow>, Error> {
    let sql = format!(
        "select {TEMPLATE_COLUMNS} from records.form_templates where tenant_id = $1 and id = $2 and version = $3"
    );
    let values: [Value; 3] = [tenant(tx), id.into(), version.into()];
    tx.query_one_raw(stmt(&sql, values)).await?.as_ref().map(template).transpose()
}

pub async fn insert_response(tx: &TenantTx, new: NewResponse) -> Result<ResponseRow, Error> {
    let sql = format!(
        "insert into records.form_responses \
         (tenant_id, id, client_id, template_id, template_version, instrument, answers, score, responded_by) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning {RESPONSE_COLUMNS}"
    );
    let values: [Value; 9] = [
        tenant(tx),
        new.id.into(),
        (*new.client.as_uuid()).into(),
        new.template.map(|(id, _)| id).into(),
        new.template.map(|(_, version)| version).into(),
        new.instrument.into(),
        new.answers.into(),
        new.score.into(),
        (*new.responded_by.as_uuid()).into(),
    ];
    one(tx.query_one_raw(stmt(&sql, values)).await?, response)
}

/// The client's responses, oldest first; only those to `instrument` when given.
pub async fn responses(tx: &TenantTx, client: UserId, instrument: Option<&str>) -> Result<Vec<ResponseRow>, Error> {
    let sql = format!(
        "select {RESPONSE_COLUMNS} from records.form_responses where tenant_id = $1 and client_id = $2 \
         and ($3::text is null or instrument = $3) order by created_at, id"
    );
    let values: [Value; 3] = [tenant(tx), (*client.as_uuid()).into(), instrument.map(str::to_owned).into()];
    tx.query_all_raw(stmt(&sql, values)).await?.iter().map(response).collect()
}
