//! The caller's own account as `/v1/me` shows it: the profile row and the live sessions.
//! `users` and `sessions` carry no RLS (they are read before a tenant is known), so every
//! statement here names the person explicitly; the person comes from a verified token.
//!
//! Not here: the person's practices (`db::own_memberships`, read through the RLS policy
//! that names the person), or ending a session (`db::sessions::end`).

use super::stmt;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, Value};
use tp_ids::{SessionId, TenantId, UserId};
use uuid::Uuid;

/// Idle timeout of a session without a practice (and of operators): the tenant default, as
/// in `db::sessions` and `db::revocation`.
const DEFAULT_IDLE_TIMEOUT_SECS: i32 = 900;

pub(crate) struct ProfileRow {
    pub email: String,
    pub display_name: Option<String>,
    pub email_verified: bool,
    /// A confirmed TOTP (an enrolment not yet confirmed does not count).
    pub mfa_enrolled: bool,
}

pub(crate) async fn profile(db: &impl ConnectionTrait, user: UserId) -> Result<Option<ProfileRow>, DbErr> {
    let sql = "select email, display_name, email_verified_at is not null as email_verified, \
               totp_enabled_at is not null as mfa_enrolled from identity.users where id = $1";
    let Some(row) = db.query_one_raw(stmt(sql, [Uuid::from(user).into()])).await? else { return Ok(None) };
    Ok(Some(ProfileRow {
        email: row.try_get("", "email")?,
        display_name: row.try_get("", "display_name")?,
        email_verified: row.try_get("", "email_verified")?,
        mfa_enrolled: row.try_get("", "mfa_enrolled")?,
    }))
}

pub(crate) struct LiveSession {
    pub id: SessionId,
    pub tenant: Option<TenantId>,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// The person's live sessions, newest first: not ended, before their absolute expiry, not
/// idle past their practice's timeout, practice active (the rule of `sessions::find_by_token`).
pub(crate) async fn live_sessions(db: &impl ConnectionTrait, user: UserId) -> Result<Vec<LiveSession>, DbErr> {
    let sql = "select s.id, s.tenant_id, s.created_at, s.last_seen_at, s.expires_at \
               from identity.sessions s left join identity.tenants t on t.id = s.tenant_id \
               where s.user_id = $1 and s.revoked_at is null and s.expires_at > now() \
               and s.last_seen_at + make_interval(secs => coalesce(t.idle_timeout_secs, $2)) > now() \
               and (s.tenant_id is null or t.status = 'active') \
               order by s.created_at desc, s.id";
    let values: Vec<Value> = vec![Uuid::from(user).into(), DEFAULT_IDLE_TIMEOUT_SECS.into()];
    let rows = db.query_all_raw(stmt(sql, values)).await?;
    rows.iter()
        .map(|row| {
            Ok(LiveSession {
                id: SessionId::from_uuid(row.try_get("", "id")?),
                tenant: row.try_get::<Option<Uuid>>("", "tenant_id")?.map(TenantId::from_uuid),
                created_at: row.try_get("", "created_at")?,
                last_seen_at: row.try_get("", "last_seen_at")?,
                expires_at: row.try_get("", "expires_at")?,
            })
        })
        .collect()
}

/// Whether `session` is one of `user`'s (ended or not): another person's session and an
/// unknown id look the same to the caller.
pub(crate) async fn owns_session(db: &impl ConnectionTrait, user: UserId, session: SessionId) -> Result<bool, DbErr> {
    let sql = "select 1 as one from identity.sessions where id = $1 and user_id = $2";
    let values: Vec<Value> = vec![Uuid::from(session).into(), Uuid::from(user).into()];
    Ok(db.query_one_raw(stmt(sql, values)).await?.is_some())
}
