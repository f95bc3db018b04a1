//! identity.tenants: create, read, list, lifecycle and policy. Not RLS (see the migration):
//! callers authorize first (`domain::admin`).

use super::stmt;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, QueryResult, Value};
use tp_auth::Role;
use tp_ids::TenantId;

use crate::domain::tenant::{SessionPolicy, TenantName, TenantSlug, TenantStatus};
use crate::error::Error;

#[derive(Debug, Clone)]
pub struct Tenant {
    pub id: TenantId,
    pub slug: String,
    pub name: String,
    pub status: TenantStatus,
    pub policy: SessionPolicy,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str =
    "id, slug, name, status, mfa_required_roles, idle_timeout_secs, absolute_timeout_secs, created_at";

fn from_row(row: &QueryResult) -> Result<Tenant, Error> {
    let roles: Vec<String> = row.try_get("", "mfa_required_roles")?;
    let idle: i32 = row.try_get("", "idle_timeout_secs")?;
    let absolute: i32 = row.try_get("", "absolute_timeout_secs")?;
    let status: String = row.try_get("", "status")?;
    Ok(Tenant {
        id: TenantId::from_uuid(row.try_get("", "id")?),
        slug: row.try_get("", "slug")?,
        name: row.try_get("", "name")?,
        status: TenantStatus::from_db(&status)?,
        policy: SessionPolicy {
            mfa_required_roles: roles.iter().filter_map(|r| r.parse::<Role>().ok()).collect(),
            idle_timeout_secs: u32::try_from(idle).unwrap_or(u32::MAX),
            absolute_timeout_secs: u32::try_from(absolute).unwrap_or(u32::MAX),
        },
        created_at: row.try_get("", "created_at")?,
    })
}

/// Inserts a new active tenant; `Conflict("tenant slug")` when the slug is taken.
pub async fn create(
    db: &impl ConnectionTrait,
    id: TenantId,
    slug: &TenantSlug,
    name: &TenantName,
) -> Result<Tenant, Error> {
    let sql = format!("insert into identity.tenants (id, slug, name) values ($1, $2, $3) returning {COLUMNS}");
    let values = vec![(*id.as_uuid()).into(), slug.as_str().into(), name.as_str().into()];
    match db.query_one_raw(stmt(&sql, values)).await {
        Ok(Some(row)) => from_row(&row),
        Ok(None) => Err(Error::Internal(anyhow::anyhow!("insert returned no row"))),
        Err(e) if e.to_string().contains("tenants_slug_key") => Err(Error::Conflict("tenant slug")),
        Err(e) => Err(e.into()),
    }
}

pub async fn get(db: &impl ConnectionTrait, id: TenantId) -> Result<Option<Tenant>, Error> {
    let sql = format!("select {COLUMNS} from identity.tenants where id = $1");
    db.query_one_raw(stmt(&sql, vec![(*id.as_uuid()).into()])).await?.as_ref().map(from_row).transpose()
}

/// Every tenant, oldest first (operators only; there are hundreds, not millions).
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<Tenant>, Error> {
    let sql = format!("select {COLUMNS} from identity.tenants order by created_at, id");
    db.query_all_raw(stmt(&sql, Vec::new())).await?.iter().map(from_row).collect()
}

/// Moves a tenant to `status`, stamping when it happened. Offboarded is final: such a tenant
/// is never moved again (`NotFound` then, as for an unknown id).
pub async fn set_status(db: &impl ConnectionTrait, id: TenantId, status: TenantStatus) -> Result<Tenant, Error> {
    let stamp = match status {
        TenantStatus::Active => "suspended_at = null",
        TenantStatus::Suspended => "suspended_at = now()",
        TenantStatus::Offboarded => "offboarded_at = now()",
    };
    let sql = format!(
        "update identity.tenants set status = $2, {stamp} where id = $1 and status <> 'offboarded' returning {COLUMNS}"
    );
    let values = vec![(*id.as_uuid()).into(), status.as_str().into()];
    db.query_one_raw(stmt(&sql, values)).await?.as_ref().map(from_row).transpose()?.ok_or(Error::NotFound)
}

pub async fn set_policy(db: &impl ConnectionTrait, id: TenantId, policy: &SessionPolicy) -> Result<Tenant, Error> {
    let roles: Vec<String> = policy.mfa_required_roles.iter().map(|r| r.as_str().to_owned()).collect();
    let sql = format!(
        "update identity.tenants set mfa_required_roles = $2, idle_timeout_secs = $3, absolute_timeout_secs = $4 \
         where id = $1 and status <> 'offboarded' returning {COLUMNS}"
    );
    let values = vec![
        (*id.as_uuid()).into(),
        roles.into(),
        i32::try_from(policy.idle_timeout_secs).unwrap_or(i32::MAX).into(),
        i32::try_from(policy.absolute_timeout_secs).unwrap_or(i32::MAX).into(),
    ];
    db.query_one_raw(stmt(&sql, values)).await?.as_ref().map(from_row).transpose()?.ok_or(Error::NotFound)
}

/// The `sid` of every live API client of the tenant: suspension publishes them as revoked,
/// reactivation withdraws that again (the clients themselves were never revoked).
pub async fn api_client_sessions(db: &impl ConnectionTrait, id: TenantId) -> Result<Vec<uuid::Uuid>, Error> {
    let sql = "select session_id as id from identity.oauth_clients where tenant_id = $1 and revoked_at is null";
    let rows = db.query_all_raw(stmt(sql, vec![(*id.as_uuid()).into()])).await?;
    rows.iter().map(|row| row.try_get::<uuid::Uuid>("", "id").map_err(Error::from)).collect()
}

/// Ends every session and refresh token of a tenant (suspension, offboarding) and returns
/// the session ids whose tokens verifiers must now refuse: those sessions and the `sid` of
/// every live API client (the clients stay registered; their tokens stop).
/// Like `memberships::end_sessions`, sessions ended within `recent_secs` are returned again,
/// so a retry republishes them.
pub async fn revoke_everything(
    db: &impl ConnectionTrait,
    id: TenantId,
    recent_secs: u64,
) -> Result<Vec<uuid::Uuid>, Error> {
    let recent: Value = (recent_secs as f64).into();
    let tenant: Value = (*id.as_uuid()).into();
    let sql = "with s as (update identity.sessions set revoked_at = coalesce(revoked_at, now()) \
                   where tenant_id = $1 \
                   and (revoked_at is null or revoked_at > now() - make_interval(secs => $2)) returning id), \
               r as (update identity.refresh_tokens set revoked_at = now() \
                   where tenant_id = $1 and revoked_at is null returning 1), \
               c as (select session_id as id from identity.oauth_clients where tenant_id = $1 and revoked_at is null) \
               select id from s union select id from c";
    let rows = db.query_all_raw(stmt(sql, vec![tenant, recent])).await?;
    rows.iter().map(|row| row.try_get::<uuid::Uuid>("", "id").map_err(Error::from)).collect()
}
