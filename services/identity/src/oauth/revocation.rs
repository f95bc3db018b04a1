//! Revocation: publishing a revoked `sid` to Redis (what verifiers check), revoking a
//! compromised grant (a replayed code, a reused refresh token), and the RFC 7009 endpoint.
//!
//! Access tokens are not revocable one by one (no jti deny-list): they are short-lived and
//! die with their `sid`. Revoking a refresh token at the endpoint ends its family only; the
//! person's session at identity is ended by end-session.
//!
//! Revocations are audited after they commit rather than in their transaction: an audit
//! write that fails must never undo a revocation (leaving a stolen grant or a token the
//! client asked to end alive). The request still fails when its event cannot be written.

use redis::aio::ConnectionManager;
use sea_orm::TransactionTrait as _;
use tp_audit_log::action::identity as action;
use tp_audit_log::{Actor, AuditEvent, Outcome, Subject};
use tp_ids::SessionId;
use uuid::Uuid;

use super::error::OAuthError;
use super::params::Params;
use crate::audit::{self, OptionalTenant as _};
use crate::db::clients::ClientRow;
use crate::db::{refresh_tokens, revocation};
use crate::domain::secret;
use crate::state::AppState;

/// Lists `sid` as revoked for as long as any access token carrying it may live (plus a
/// minute of clock skew), under `tp_auth::REVOKED_SESSION_PREFIX`.
pub async fn publish_revoked_session(
    redis: &ConnectionManager,
    access_token_ttl_secs: u64,
    sid: SessionId,
) -> Result<(), redis::RedisError> {
    let key = format!("{}{sid}", tp_auth::REVOKED_SESSION_PREFIX);
    let mut redis = redis.clone();
    redis::cmd("SET").arg(key).arg(1).arg("EX").arg(access_token_ttl_secs + 60).query_async::<()>(&mut redis).await
}

/// Publishes every session of `sessions` as revoked (suspension, offboarding, role changes,
/// removal from a practice). Redis unreachable is `Unavailable`: the caller's change is
/// already committed, and tokens still die at their expiry, but the operator must know.
pub(crate) async fn publish_revoked_sessions(state: &AppState, sessions: &[Uuid]) -> Result<(), crate::error::Error> {
    for session in sessions {
        publish_revoked_session(&state.redis, state.settings.access_token_ttl_secs, SessionId::from_uuid(*session))
            .await
            .map_err(|e| crate::error::Error::Unavailable(e.into()))?;
    }
    Ok(())
}

/// Removes `sessions` from the revocation list (a reactivated practice's API clients).
pub(crate) async fn withdraw_revoked_sessions(state: &AppState, sessions: &[Uuid]) -> Result<(), crate::error::Error> {
    if sessions.is_empty() {
        return Ok(());
    }
    let keys: Vec<String> = sessions.iter().map(|sid| format!("{}{sid}", tp_auth::REVOKED_SESSION_PREFIX)).collect();
    let mut redis = state.redis.clone();
    redis::cmd("DEL")
        .arg(keys)
        .query_async::<()>(&mut redis)
        .await
        .map_err(|e| crate::error::Error::Unavailable(e.into()))
}

/// A grant was compromised (code replayed, refresh token reused): its refresh family and
/// the session it came from are revoked, in the database and for verifiers, and `event`
/// (the replay or the reuse) is recorded. Publishing and recording are both attempted
/// whichever fails, so neither failure skips the other.
pub(crate) async fn revoke_compromised(
    state: &AppState,
    family: Uuid,
    session: SessionId,
    event: AuditEvent,
) -> Result<(), OAuthError> {
    let tx = state.db.begin().await?;
    refresh_tokens::revoke_family(&tx, family).await?;
    revocation::revoke_session(&tx, session).await?;
    tx.commit().await?;
    let published = publish_revoked_session(&state.redis, state.settings.access_token_ttl_secs, session).await;
    let event = event.subject(Subject::new("session", session)).detail("refresh_family", family.to_string());
    audit::emit(&state.db, event).await?;
    Ok(published?)
}

/// RFC 7009: revokes the refresh token's family when the token is this client's. Unknown
/// tokens, access tokens and other clients' tokens succeed silently (section 2.2), so the
/// endpoint reveals nothing about tokens it did not issue to the caller.
pub(crate) async fn revoke_token(state: &AppState, client: &ClientRow, params: &Params) -> Result<(), OAuthError> {
    let token = params.require("token", "token is required")?;
    let Some(row) = refresh_tokens::find(&state.db, &secret::digest(token)).await? else {
        return Ok(());
    };
    if row.client_id == client.id.as_str() {
        refresh_tokens::revoke_family(&state.db, row.family).await?;
        let event = AuditEvent::new(action::TOKEN_REVOKED, Outcome::Success, Actor::Client(client.id.clone()))
            .tenant_opt(row.tenant)
            .subject(Subject::new("session", row.session))
            .detail("refresh_family", row.family.to_string());
        audit::emit(&state.db, event).await?;
    }
    Ok(())
}
