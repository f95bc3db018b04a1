//! `identity.sessions` as the sign-in flow uses them: creating a session at the password
//! (or federated) step, reading it back by its cookie token (with the timeouts judged by
//! the database clock), advancing its stage, sending it back to the second factor when a
//! practice's policy asks for one it lacks, fixing its practice, and ending it with its
//! refresh tokens.
//!
//! Not here: whether a session may yield tokens at the token endpoint (`db::revocation`,
//! whose rules [`find_by_token`] mirrors), or publishing revocations to Redis.

use super::stmt;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, Value};
use tp_ids::{SessionId, TenantId, UserId};
use uuid::Uuid;

use crate::domain::session::Stage;

/// Idle timeout before a practice is chosen (and for operators): the tenant default, as in
/// `db::revocation`.
const DEFAULT_IDLE_TIMEOUT_SECS: i32 = 900;

pub(crate) struct NewSession {
    pub id: SessionId,
    /// SHA-256 of the cookie token.
    pub token_hash: Vec<u8>,
    pub user: UserId,
    /// Fixed from the start (a federated sign-in is for its practice only); `None` until
    /// chosen otherwise.
    pub tenant: Option<TenantId>,
    pub stage: Stage,
    pub amr: Vec<String>,
    /// Absolute lifetime from now.
    pub lifetime_secs: i32,
}

pub(crate) struct SessionRow {
    pub id: SessionId,
    pub user: UserId,
    pub tenant: Option<TenantId>,
    pub stage: Stage,
    /// How the person authenticated (RFC 8176 values), in order.
    pub amr: Vec<String>,
    pub auth_time: DateTime<Utc>,
    /// Not revoked, before its absolute expiry, not idle longer than its practice allows
    /// (the default before one is chosen), practice active, account active.
    pub live: bool,
    pub revoked: bool,
}

pub(crate) async fn insert(db: &impl ConnectionTrait, session: NewSession) -> Result<(), DbErr> {
    let sql = "insert into identity.sessions (id, token_hash, user_id, tenant_id, stage, amr, expires_at) \
               values ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))";
    let values: Vec<Value> = vec![
        Uuid::from(session.id).into(),
        session.token_hash.into(),
        Uuid::from(session.user).into(),
        session.tenant.map(Uuid::from).into(),
        session.stage.as_str().into(),
        session.amr.into(),
        f64::from(session.lifetime_secs).into(),
    ];
    db.execute_raw(stmt(sql, values)).await.map(|_| ())
}

/// The session whose cookie token hashes to `token_hash`, live or not.
pub(crate) async fn find_by_token(db: &impl ConnectionTrait, token_hash: &[u8]) -> Result<Option<SessionRow>, DbErr> {
    // -- the same liveness rule as db::revocation::session_state, plus the account status
    let sql = "select s.id, s.user_id, s.tenant_id, s.stage, s.amr, s.auth_time, s.revoked_at is not null as revoked, \
               (s.revoked_at is null and s.expires_at > now() \
                and s.last_seen_at + make_interval(secs => coalesce(t.idle_timeout_secs, $2)) > now() \
                and (s.tenant_id is null or t.status = 'active') and u.status = 'active') as live \
               from identity.sessions s join identity.users u on u.id = s.user_id \
               left join identity.tenants t on t.id = s.tenant_id where s.token_hash = $1";
    let values: Vec<Value> = vec![token_hash.to_vec().into(), DEFAULT_IDLE_TIMEOUT_SECS.into()];
    let Some(row) = db.query_one_raw(stmt(sql, values)).await? else { return Ok(None) };
    let stage: String = row.try_get("", "stage")?;
    Ok(Some(SessionRow {
        id: SessionId::from_uuid(row.try_get("", "id")?),
        user: UserId::from_uuid(row.try_get("", "user_id")?),
        tenant: row.try_get::<Option<Uuid>>("", "tenant_id")?.map(TenantId::from_uuid),
        stage: Stage::from_db(&stage).ok_or_else(|| DbErr::Type("unknown sessions.stage".into()))?,
        amr: row.try_get("", "amr")?,
        auth_time: row.try_get("", "auth_time")?,
        live: row.try_get::<Option<bool>>("", "live")?.unwrap_or(false),
        revoked: row.try_get("", "revoked")?,
    }))
}

/// Moves a live session from `from` to `Authenticated`, recording `amr`; `false` when it
/// is no longer in `from` (a concurrent step moved it) or was revoked.
pub(crate) async fn authenticate(
    db: &impl ConnectionTrait,
    session: SessionId,
    from: Stage,
    amr: &str,
) -> Result<bool, DbErr> {
    let sql = "update identity.sessions set stage = 'authenticated', amr = array_append(amr, $3), \
               last_seen_at = now() where id = $1 and stage = $2 and revoked_at is null";
    let values: Vec<Value> = vec![Uuid::from(session).into(), from.as_str().into(), amr.into()];
    Ok(db.execute_raw(stmt(sql, values)).await?.rows_affected() == 1)
}

/// Sends an authenticated session back to `to` (`Mfa` or `MfaEnroll`): a practice's policy
/// asks for a second factor the session never gave. `false` when the session is no longer
/// authenticated or was revoked. Its practice, if fixed, stays.
pub(crate) async fn require_second_factor(
    db: &impl ConnectionTrait,
    session: SessionId,
    to: Stage,
) -> Result<bool, DbErr> {
    let sql = "update identity.sessions set stage = $2 \
               where id = $1 and stage = 'authenticated' and revoked_at is null";
    let values: Vec<Value> = vec![Uuid::from(session).into(), to.as_str().into()];
    Ok(db.execute_raw(stmt(sql, values)).await?.rows_affected() == 1)
}

/// What deciding whether a session may still yield tokens of a practice needs about its
/// second factor, read afresh at every issue.
pub(crate) struct SecondFactorStanding {
    /// How the session's person authenticated (RFC 8176 values).
    pub amr: Vec<String>,
    /// The practice's `mfa_required_roles` now; empty for a token without a practice.
    pub mfa_required_roles: Vec<String>,
}

/// The session's `amr` and, for `tenant`, that practice's current MFA policy.
pub(crate) async fn second_factor_standing(
    db: &impl ConnectionTrait,
    session: SessionId,
    tenant: Option<TenantId>,
) -> Result<Option<SecondFactorStanding>, DbErr> {
    // -- left join: an operator's token names no practice, and then no practice's policy applies
    let sql = "select s.amr, coalesce(t.mfa_required_roles, '{}') as mfa_required_roles \
               from identity.sessions s left join identity.tenants t on t.id = $2::uuid where s.id = $1";
    let values: Vec<Value> = vec![Uuid::from(session).into(), tenant.map(Uuid::from).into()];
    let Some(row) = db.query_one_raw(stmt(sql, values)).await? else { return Ok(None) };
    Ok(Some(SecondFactorStanding {
        amr: row.try_get("", "amr")?,
        mfa_required_roles: row.try_get("", "mfa_required_roles")?,
    }))
}

/// Fixes the session's practice, once, and caps its expiry with that practice's absolute
/// timeout counted from sign-in. `false` when the session is not authenticated, already has
/// a practice, or was revoked.
pub(crate) async fn choose_tenant(
    db: &impl ConnectionTrait,
    session: SessionId,
    tenant: TenantId,
    absolute_timeout_secs: i32,
) -> Result<bool, DbErr> {
    let sql = "update identity.sessions set tenant_id = $2, \
               expires_at = least(expires_at, auth_time + make_interval(secs => $3)), last_seen_at = now() \
               where id = $1 and stage = 'authenticated' and tenant_id is null and revoked_at is null";
    let values: Vec<Value> =
        vec![Uuid::from(session).into(), Uuid::from(tenant).into(), f64::from(absolute_timeout_secs).into()];
    Ok(db.execute_raw(stmt(sql, values)).await?.rows_affected() == 1)
}

/// Ends the session and every refresh token issued through it (idempotent: first times kept).
/// Returns the session's practice (`None` when it had none or does not exist), for the
/// audit event of its end.
pub(crate) async fn end(db: &impl ConnectionTrait, session: SessionId) -> Result<Option<TenantId>, DbErr> {
    let sql = "with s as (update identity.sessions set revoked_at = coalesce(revoked_at, now()) where id = $1 \
                   returning tenant_id), \
               r as (update identity.refresh_tokens set revoked_at = coalesce(revoked_at, now()) \
                   where session_id = $1) \
               select tenant_id from s";
    let row = db.query_one_raw(stmt(sql, [Uuid::from(session).into()])).await?;
    let tenant: Option<Uuid> = row.map(|row| row.try_get("", "tenant_id")).transpose()?.flatten();
    Ok(tenant.map(TenantId::from_uuid))
}
