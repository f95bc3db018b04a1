//! `records.treatment_plans` (RLS): one current plan per client, its problem and goals one
//! ciphertext (`body`). Setting a plan replaces the body and bumps `version`.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait as _, QueryResult, Value};
use tp_db::TenantTx;
use tp_ids::UserId;

use super::stmt;
use crate::error::Error;

#[derive(Debug, Clone)]
pub struct PlanRow {
    pub body: Vec<u8>,
    pub version: i32,
    pub updated_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "body, version, updated_by, created_at, updated_at";

fn row(r: &QueryResult) -> Result<PlanRow, Error> {
    Ok(PlanRow {
        body: r.try_get("", "body")?,
        version: r.try_get("", "version")?,
        updated_by: UserId::from_uuid(r.try_get("", "updated_by")?),
        created_at: r.try_get("", "created_at")?,
        updated_at: r.try_get("", "updated_at")?,
    })
}

pub async fn get(tx: &TenantTx, client: UserId) -> Result<Option<PlanRow>, Error> {
    let sql = format!("select {COLUMNS} from records.treatment_plans where tenant_id = $1 and client_id = $2");
    let values: [Value; 2] = [(*tx.tenant().as_uuid()).into(), (*client.as_uuid()).into()];
    tx.query_one_raw(stmt(&sql, values)).await?.as_ref().map(row).transpose()
}

/// Creates the plan (version 1) or replaces it (version + 1).
pub async fn set(tx: &TenantTx, client: UserId, body: Vec<u8>, by: UserId) -> Result<PlanRow, Error> {
    let sql = format!(
        "insert into records.treatment_plans (tenant_id, client_id, body, updated_by) values ($1, $2, $3, $4) \
         on conflict (tenant_id, client_id) do update set body = excluded.body, \
           updated_by = excluded.updated_by, version = records.treatment_plans.version + 1 \
         returning {COLUMNS}"
    );
    let values: [Value; 4] =
        [(*tx.tenant().as_uuid()).into(), (*client.as_uuid()).into(), body.into(), (*by.as_uuid()).into()];
    let returned = tx.query_one_raw(stmt(&sql, values)).await?;
    row(&returned.ok_or_else(|| Error::Internal(anyhow::anyhow!("upsert returned no row")))?)
}
