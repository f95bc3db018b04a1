//! `identity.refresh_tokens`: opaque tokens stored as SHA-256 digests, grouped in families
//! (one per code exchange). Rotation marks a token used and inserts its successor in the
//! same family; revocation marks the whole family.
//!
//! Not here: the rules (reuse detection, session checks) in `oauth::refresh`.

use super::stmt;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, Value};
use tp_ids::{SessionId, TenantId, UserId};
use uuid::Uuid;

pub(crate) struct NewRefreshToken {
    pub family: Uuid,
    pub hash: Vec<u8>,
    pub client_id: String,
    pub user: UserId,
    pub tenant: Option<TenantId>,
    pub session: SessionId,
    pub scopes: Vec<String>,
    pub expires_at: DateTime<Utc>,
}

pub(crate) struct RefreshRow {
    pub id: Uuid,
    pub family: Uuid,
    pub client_id: String,
    pub user: UserId,
    pub tenant: Option<TenantId>,
    pub session: SessionId,
    pub scopes: Vec<String>,
    pub expired: bool,
    pub used: bool,
    pub revoked: bool,
}

pub(crate) async fn insert(db: &impl ConnectionTrait, token: NewRefreshToken) -> Result<(), DbErr> {
    let sql = "insert into identity.refresh_tokens (id, family_id, token_hash, client_id, user_id, tenant_id, \
               session_id, scopes, expires_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    let values: Vec<Value> = vec![
        Uuid::now_v7().into(),
        token.family.into(),
        token.hash.into(),
        token.client_id.into(),
        Uuid::from(token.user).into(),
        token.tenant.map(Uuid::from).into(),
        Uuid::from(token.session).into(),
        token.scopes.into(),
        token.expires_at.into(),
    ];
    db.execute_raw(stmt(sql, values)).await.map(|_| ())
}

pub(crate) async fn find(db: &impl ConnectionTrait, hash: &[u8]) -> Result<Option<RefreshRow>, DbErr> {
    let sql = "select id, family_id, client_id, user_id, tenant_id, session_id, scopes, \
               expires_at <= now() as expired, used_at is not null as used, revoked_at is not null as revoked \
               from identity.refresh_tokens where token_hash = $1";
    let Some(row) = db.query_one_raw(stmt(sql, [hash.to_vec().into()])).await? else {
        return Ok(None);
    };
    Ok(Some(RefreshRow {
        id: row.try_get("", "id")?,
        family: row.try_get("", "family_id")?,
        client_id: row.try_get("", "client_id")?,
        user: UserId::from_uuid(row.try_get("", "user_id")?),
        tenant: row.try_get::<Option<Uuid>>("", "tenant_id")?.map(TenantId::from_uuid),
        session: SessionId::from_uuid(row.try_get("", "session_id")?),
        scopes: row.try_get("", "scopes")?,
        expired: row.try_get("", "expired")?,
        used: row.try_get("", "used")?,
        revoked: row.try_get("", "revoked")?,
    }))
}

/// Marks a token used by its rotation; `false` when it was already used or revoked (a
/// concurrent presentation of the same token lost the race: that is reuse).
pub(crate) async fn mark_used(db: &impl ConnectionTrait, id: Uuid) -> Result<bool, DbErr> {
    let sql = "update identity.refresh_tokens set used_at = now() \
               where id = $1 and used_at is null and revoked_at is null";
    Ok(db.execute_raw(stmt(sql, [id.into()])).await?.rows_affected() == 1)
}

/// Revokes every token of the family (used ones included, for the record).
pub(crate) async fn revoke_family(db: &impl ConnectionTrait, family: Uuid) -> Result<(), DbErr> {
    let sql = "update identity.refresh_tokens set revoked_at = coalesce(revoked_at, now()) where family_id = $1";
    db.execute_raw(stmt(sql, [family.into()])).await.map(|_| ())
}
