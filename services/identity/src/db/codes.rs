//! `identity.authorization_codes`: single-use codes, stored as SHA-256 digests.
//!
//! Expiry is judged by the database clock (`expires_at <= now()`), the same clock that
//! wrote `expires_at`, so application and database clocks cannot disagree about it.

use super::stmt;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, Value};
use tp_ids::{SessionId, TenantId, UserId};
use uuid::Uuid;

pub(crate) struct CodeInsert {
    pub hash: Vec<u8>,
    pub client_id: String,
    pub user: UserId,
    pub tenant: Option<TenantId>,
    pub session: SessionId,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub nonce: Option<String>,
    pub code_challenge: String,
    pub auth_time: DateTime<Utc>,
    pub ttl_secs: i64,
}

pub(crate) struct CodeRow {
    pub client_id: String,
    pub user: UserId,
    pub tenant: Option<TenantId>,
    pub session: SessionId,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub nonce: Option<String>,
    pub code_challenge: String,
    pub auth_time: DateTime<Utc>,
    pub refresh_family: Uuid,
    pub expired: bool,
    pub used: bool,
}

pub(crate) async fn insert(db: &impl ConnectionTrait, code: CodeInsert) -> Result<(), DbErr> {
    let sql = "insert into identity.authorization_codes (code_hash, client_id, user_id, tenant_id, session_id, \
               redirect_uri, scopes, nonce, code_challenge, auth_time, expires_at, refresh_family_id) \
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now() + make_interval(secs => $11::bigint), $12)";
    let values: Vec<Value> = vec![
        code.hash.into(),
        code.client_id.into(),
        Uuid::from(code.user).into(),
        code.tenant.map(Uuid::from).into(),
        Uuid::from(code.session).into(),
        code.redirect_uri.into(),
        code.scopes.into(),
        code.nonce.into(),
        code.code_challenge.into(),
        code.auth_time.into(),
        code.ttl_secs.into(),
        Uuid::now_v7().into(),
    ];
    db.execute_raw(stmt(sql, values)).await.map(|_| ())
}

pub(crate) async fn find(db: &impl ConnectionTrait, hash: &[u8]) -> Result<Option<CodeRow>, DbErr> {
    let sql = "select client_id, user_id, tenant_id, session_id, redirect_uri, scopes, nonce, code_challenge, \
               auth_time, refresh_family_id, expires_at <= now() as expired, used_at is not null as used \
               from identity.authorization_codes where code_hash = $1";
    let Some(row) = db.query_one_raw(stmt(sql, [hash.to_vec().into()])).await? else {
        return Ok(None);
    };
    Ok(Some(CodeRow {
        client_id: row.try_get("", "client_id")?,
        user: UserId::from_uuid(row.try_get("", "user_id")?),
        tenant: row.try_get::<Option<Uuid>>("", "tenant_id")?.map(TenantId::from_uuid),
        session: SessionId::from_uuid(row.try_get("", "session_id")?),
        redirect_uri: row.try_get("", "redirect_uri")?,
        scopes: row.try_get("", "scopes")?,
        nonce: row.try_get("", "nonce")?,
        code_challenge: row.try_get("", "code_challenge")?,
        auth_time: row.try_get("", "auth_time")?,
        refresh_family: row.try_get("", "refresh_family_id")?,
        expired: row.try_get("", "expired")?,
        used: row.try_get("", "used")?,
    }))
}

/// Marks the code used; `false` when it already was (a concurrent or repeated exchange).
pub(crate) async fn consume(db: &impl ConnectionTrait, hash: &[u8]) -> Result<bool, DbErr> {
    let sql = "update identity.authorization_codes set used_at = now() where code_hash = $1 and used_at is null";
    Ok(db.execute_raw(stmt(sql, [hash.to_vec().into()])).await?.rows_affected() == 1)
}
