//! `identity.sso_providers`: a practice's own OpenID provider (issuer, client id, allowed
//! email domains). Tenant-owned, so only reachable through a [`TenantTx`] (RLS), and every
//! statement also names the tenant (defence in depth). The client secret is not here: it
//! lives in Vault KV (`federation::config`).

use super::stmt;
use sea_orm::ConnectionTrait;

use tp_db::{DbError, TenantTx};

/// One practice's provider as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SsoProviderRow {
    pub issuer: String,
    pub client_id: String,
    /// Lower case, validated by `federation::linking::parse_domain`.
    pub allowed_domains: Vec<String>,
    pub enabled: bool,
}

/// Creates or replaces the tenant's provider (one per tenant), enabled.
pub(crate) async fn upsert(tx: &TenantTx, row: &SsoProviderRow) -> Result<(), DbError> {
    let sql = "insert into identity.sso_providers (tenant_id, issuer, client_id, allowed_domains, enabled) \
               values ($1, $2, $3, $4, $5) \
               on conflict (tenant_id) do update set issuer = excluded.issuer, client_id = excluded.client_id, \
               allowed_domains = excluded.allowed_domains, enabled = excluded.enabled";
    let values = [
        (*tx.tenant().as_uuid()).into(),
        row.issuer.clone().into(),
        row.client_id.clone().into(),
        row.allowed_domains.clone().into(),
        row.enabled.into(),
    ];
    tx.execute_raw(stmt(sql, values)).await?;
    Ok(())
}

pub(crate) async fn find(tx: &TenantTx) -> Result<Option<SsoProviderRow>, DbError> {
    let sql = "select issuer, client_id, allowed_domains, enabled from identity.sso_providers where tenant_id = $1";
    let statement = stmt(sql, [(*tx.tenant().as_uuid()).into()]);
    let Some(row) = tx.query_one_raw(statement).await? else {
        return Ok(None);
    };
    Ok(Some(SsoProviderRow {
        issuer: row.try_get("", "issuer")?,
        client_id: row.try_get("", "client_id")?,
        allowed_domains: row.try_get("", "allowed_domains")?,
        enabled: row.try_get("", "enabled")?,
    }))
}

/// `true` when there was a provider to delete.
pub(crate) async fn delete(tx: &TenantTx) -> Result<bool, DbError> {
    let sql = "delete from identity.sso_providers where tenant_id = $1";
    let statement = stmt(sql, [(*tx.tenant().as_uuid()).into()]);
    Ok(tx.execute_raw(statement).await?.rows_affected() > 0)
}
