//! Sessions as the token endpoint sees them: whether a session (`sid`) may still yield
//! tokens, keeping it alive, and marking it revoked.
//!
//! Sessions are created and ended by the sign-in flow; this module only reads them, touches
//! `last_seen_at` on a refresh and sets `revoked_at` when a token family is compromised.
//! Timeouts are judged by the database clock, like every expiry in this schema.

use super::stmt;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, Value};
use tp_ids::{SessionId, TenantId, UserId};
use uuid::Uuid;

/// Idle timeout of sessions without a tenant (platform operators): the tenant default.
const DEFAULT_IDLE_TIMEOUT_SECS: i32 = 900;

pub(crate) struct SessionState {
    pub user: UserId,
    pub auth_time: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// Signed in (MFA done), not revoked, before its absolute expiry, not idle longer than
    /// the tenant allows, and the tenant (if any) is active.
    pub usable: bool,
}

/// The session `session` as seen for tokens of `tenant` (whose idle timeout applies).
pub(crate) async fn session_state(
    db: &impl ConnectionTrait,
    session: SessionId,
    tenant: Option<TenantId>,
) -> Result<Option<SessionState>, DbErr> {
    // -- `left join ... on true`: the tenant row is optional (operators have none); a
    // -- missing or inactive tenant makes the session unusable for that tenant's tokens.
    let sql = "select s.user_id, s.auth_time, s.expires_at, \
               (s.stage = 'authenticated' and s.revoked_at is null and s.expires_at > now() \
                and s.last_seen_at + make_interval(secs => coalesce(t.idle_timeout_secs, $3)) > now() \
                and ($2::uuid is null or t.status = 'active')) as usable \
               from identity.sessions s left join identity.tenants t on t.id = $2::uuid \
               where s.id = $1";
    let values: Vec<Value> =
        vec![Uuid::from(session).into(), tenant.map(Uuid::from).into(), DEFAULT_IDLE_TIMEOUT_SECS.into()];
    let Some(row) = db.query_one_raw(stmt(sql, values)).await? else {
        return Ok(None);
    };
    Ok(Some(SessionState {
        user: UserId::from_uuid(row.try_get("", "user_id")?),
        auth_time: row.try_get("", "auth_time")?,
        expires_at: row.try_get("", "expires_at")?,
        usable: row.try_get::<Option<bool>>("", "usable")?.unwrap_or(false),
    }))
}

/// Activity on the session (a refresh): restarts its idle timer.
pub(crate) async fn touch_session(db: &impl ConnectionTrait, session: SessionId) -> Result<(), DbErr> {
    let sql = "update identity.sessions set last_seen_at = now() where id = $1";
    db.execute_raw(stmt(sql, [Uuid::from(session).into()])).await.map(|_| ())
}

/// Marks the session revoked (idempotent: the first revocation time is kept).
pub(crate) async fn revoke_session(db: &impl ConnectionTrait, session: SessionId) -> Result<(), DbErr> {
    let sql = "update identity.sessions set revoked_at = coalesce(revoked_at, now()) where id = $1";
    db.execute_raw(stmt(sql, [Uuid::from(session).into()])).await.map(|_| ())
}
