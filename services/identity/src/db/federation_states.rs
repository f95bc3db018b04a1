//! `identity.federation_states`: one sign-in through a practice's IdP in flight. The CSRF
//! `state` is stored only as its SHA-256 (the table is read by state before any tenant is
//! known, so it carries no RLS; a database reader still cannot forge a callback). Taking a
//! state marks it used in the same statement: single use holds under concurrent callbacks.

use super::stmt;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use tp_db::DbError;
use tp_ids::TenantId;
use uuid::Uuid;

pub(crate) struct NewFederationState<'a> {
    pub state_hash: &'a [u8],
    pub tenant: TenantId,
    pub request_id: Uuid,
    pub nonce: &'a str,
    pub pkce_verifier: &'a str,
    pub ttl_secs: i32,
}

/// A state taken by its callback: what the flow needs to finish.
pub(crate) struct TakenFederationState {
    pub tenant: TenantId,
    pub request_id: Uuid,
    pub nonce: String,
    pub pkce_verifier: String,
}

pub(crate) async fn insert(db: &DatabaseConnection, new: &NewFederationState<'_>) -> Result<(), DbError> {
    let sql = "insert into identity.federation_states \
               (state_hash, tenant_id, request_id, nonce, pkce_verifier, expires_at) \
               values ($1, $2, $3, $4, $5, now() + $6 * interval '1 second')";
    let values = [
        new.state_hash.to_vec().into(),
        (*new.tenant.as_uuid()).into(),
        new.request_id.into(),
        new.nonce.into(),
        new.pkce_verifier.into(),
        new.ttl_secs.into(),
    ];
    db.execute_raw(stmt(sql, values)).await?;
    Ok(())
}

/// Marks the state used and returns it; `None` when unknown, already used or expired.
pub(crate) async fn take(db: &DatabaseConnection, state_hash: &[u8]) -> Result<Option<TakenFederationState>, DbError> {
    let sql = "update identity.federation_states set used_at = now() \
               where state_hash = $1 and used_at is null and expires_at > now() \
               returning tenant_id, request_id, nonce, pkce_verifier";
    let statement = stmt(sql, [state_hash.to_vec().into()]);
    let Some(row) = db.query_one_raw(statement).await? else {
        return Ok(None);
    };
    Ok(Some(TakenFederationState {
        tenant: TenantId::from_uuid(row.try_get("", "tenant_id")?),
        request_id: row.try_get("", "request_id")?,
        nonce: row.try_get("", "nonce")?,
        pkce_verifier: row.try_get("", "pkce_verifier")?,
    }))
}
