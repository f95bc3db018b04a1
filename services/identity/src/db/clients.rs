//! `identity.oauth_clients`: lookup for client authentication, the start-up upsert of the
//! operator and first-party clients, and the API clients a practice admin manages.
//!
//! Not here: checking secrets or grants (`oauth::client_auth`); the table has no RLS, so
//! every tenant-scoped statement below filters on `tenant_id` itself.

use super::stmt;
use sea_orm::{ConnectionTrait, DbErr, QueryResult, Value};
use tp_ids::{ClientId, SessionId, TenantId};
use uuid::Uuid;

/// A client as authentication and the grants need it.
#[derive(Debug, Clone)]
pub(crate) struct ClientRow {
    pub id: ClientId,
    pub tenant: Option<TenantId>,
    pub name: String,
    /// `None` for public clients (the schema enforces kind = public <=> no secret).
    pub secret_hash: Option<Vec<u8>>,
    pub redirect_uris: Vec<String>,
    pub grant_types: Vec<String>,
    pub scopes: Vec<String>,
    pub platform_operator: bool,
    pub session_id: SessionId,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Revoked, its tenant no longer active, or (an API client an operator created) not
    /// approved by a practice admin yet: it may not obtain tokens.
    pub disabled: bool,
    /// A practice admin created or approved it (always true for clients without a tenant).
    pub approved: bool,
}

/// A client to insert or upsert.
pub(crate) struct NewClient<'a> {
    pub id: &'a ClientId,
    pub tenant: Option<TenantId>,
    pub name: &'a str,
    pub secret_hash: Option<Vec<u8>>,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub grant_types: Vec<String>,
    pub scopes: Vec<String>,
    pub platform_operator: bool,
    /// Usable at once (created by a practice admin, or configured); else pending approval.
    pub approved: bool,
}

const COLUMNS: &str = "c.id, c.tenant_id, c.name, c.secret_hash, c.redirect_uris, c.grant_types, c.scopes, \
     c.platform_operator, c.session_id, c.created_at, \
     (c.revoked_at is not null or coalesce(t.status <> 'active', false) \
      or (c.tenant_id is not null and c.approved_at is null)) as disabled, \
     (c.tenant_id is null or c.approved_at is not null) as approved";

fn client_row(row: &QueryResult) -> Result<ClientRow, DbErr> {
    let id: String = row.try_get("", "id")?;
    Ok(ClientRow {
        id: ClientId::parse(&id).map_err(|e| DbErr::Type(e.to_string()))?,
        tenant: row.try_get::<Option<Uuid>>("", "tenant_id")?.map(TenantId::from_uuid),
        name: row.try_get("", "name")?,
        secret_hash: row.try_get("", "secret_hash")?,
        redirect_uris: row.try_get("", "redirect_uris")?,
        grant_types: row.try_get("", "grant_types")?,
        scopes: row.try_get("", "scopes")?,
        platform_operator: row.try_get("", "platform_operator")?,
        session_id: SessionId::from_uuid(row.try_get("", "session_id")?),
        created_at: row.try_get("", "created_at")?,
        disabled: row.try_get("", "disabled")?,
        approved: row.try_get("", "approved")?,
    })
}

pub(crate) async fn find(db: &impl ConnectionTrait, id: &ClientId) -> Result<Option<ClientRow>, DbErr> {
    let sql = format!(
        "select {COLUMNS} from identity.oauth_clients c left join identity.tenants t on t.id = c.tenant_id \
         where c.id = $1"
    );
    db.query_one_raw(stmt(&sql, [id.as_str().into()])).await?.as_ref().map(client_row).transpose()
}

fn insert_values(client: NewClient<'_>) -> Vec<Value> {
    vec![
        client.id.as_str().into(),
        client.tenant.map(Uuid::from).into(),
        client.name.into(),
        if client.secret_hash.is_some() { "confidential" } else { "public" }.into(),
        client.secret_hash.into(),
        client.redirect_uris.into(),
        client.post_logout_redirect_uris.into(),
        client.grant_types.into(),
        client.scopes.into(),
        client.platform_operator.into(),
        Uuid::from(SessionId::generate()).into(),
        client.approved.into(),
    ]
}

const INSERT: &str = "insert into identity.oauth_clients (id, tenant_id, name, kind, secret_hash, redirect_uris, \
     post_logout_redirect_uris, grant_types, scopes, platform_operator, session_id, approved_at) \
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, case when $12 then now() end)";

/// Inserts a new client (an API client: its id is freshly generated, so no conflict).
pub(crate) async fn insert(db: &impl ConnectionTrait, client: NewClient<'_>) -> Result<(), DbErr> {
    db.execute_raw(stmt(INSERT, insert_values(client))).await.map(|_| ())
}

/// Inserts or updates a client configured in settings. Configuration is the source of
/// truth for everything but `session_id` (kept, so live tokens keep their sid) and
/// `revoked_at` (an operator's revocation survives restarts).
pub(crate) async fn upsert(db: &impl ConnectionTrait, client: NewClient<'_>) -> Result<(), DbErr> {
    let sql = format!(
        "{INSERT} on conflict (id) do update set tenant_id = excluded.tenant_id, name = excluded.name, \
         kind = excluded.kind, secret_hash = excluded.secret_hash, redirect_uris = excluded.redirect_uris, \
         post_logout_redirect_uris = excluded.post_logout_redirect_uris, grant_types = excluded.grant_types, \
         scopes = excluded.scopes, platform_operator = excluded.platform_operator, \
         approved_at = coalesce(identity.oauth_clients.approved_at, excluded.approved_at)"
    );
    db.execute_raw(stmt(&sql, insert_values(client))).await.map(|_| ())
}

/// The tenant's API clients (client-credentials clients bound to it), newest first.
pub(crate) async fn list_for_tenant(
    db: &impl ConnectionTrait,
    tenant: TenantId,
) -> Result<Vec<(ClientRow, bool)>, DbErr> {
    let sql = format!(
        "select {COLUMNS}, c.revoked_at is not null as revoked from identity.oauth_clients c \
         left join identity.tenants t on t.id = c.tenant_id \
         where c.tenant_id = $1 order by c.created_at desc, c.id"
    );
    let rows = db.query_all_raw(stmt(&sql, [Uuid::from(tenant).into()])).await?;
    rows.iter().map(|row| Ok((client_row(row)?, row.try_get("", "revoked")?))).collect()
}

/// Marks the tenant's client revoked; returns its `session_id` (the sid of its tokens),
/// or `None` when the tenant has no such client. Revoking twice returns the sid again, so
/// a retry after a failed Redis write can complete the revocation.
pub(crate) async fn revoke_for_tenant(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    id: &ClientId,
) -> Result<Option<SessionId>, DbErr> {
    let sql = "update identity.oauth_clients set revoked_at = coalesce(revoked_at, now()) \
               where id = $1 and tenant_id = $2 returning session_id";
    let row = db.query_one_raw(stmt(sql, [id.as_str().into(), Uuid::from(tenant).into()])).await?;
    row.map(|row| row.try_get::<Uuid>("", "session_id").map(SessionId::from_uuid)).transpose()
}

/// Approves the tenant's pending client; `false` when the tenant has no such client that
/// is live (unknown, another tenant's, or revoked). Approving twice keeps the first time.
pub(crate) async fn approve_for_tenant(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    id: &ClientId,
) -> Result<bool, DbErr> {
    let sql = "update identity.oauth_clients set approved_at = coalesce(approved_at, now()) \
               where id = $1 and tenant_id = $2 and revoked_at is null";
    let done = db.execute_raw(stmt(sql, [id.as_str().into(), Uuid::from(tenant).into()])).await?;
    Ok(done.rows_affected() == 1)
}

/// The client's registered post-logout redirect URIs (end-session); empty for an unknown
/// or revoked client, so nothing is redirected for it.
pub(crate) async fn post_logout_redirect_uris(db: &impl ConnectionTrait, id: &ClientId) -> Result<Vec<String>, DbErr> {
    let sql = "select post_logout_redirect_uris from identity.oauth_clients where id = $1 and revoked_at is null";
    let row = db.query_one_raw(stmt(sql, [id.as_str().into()])).await?;
    Ok(row.map(|row| row.try_get("", "post_logout_redirect_uris")).transpose()?.unwrap_or_default())
}
