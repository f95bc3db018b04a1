//! The browser session at identity: started at the password (or federated) step with a
//! fresh id and cookie token (no session fixation), found again by the cookie, timed out
//! when seen idle or expired (automatic logoff), and ended (sign-out). Also the one event
//! a practice's admins see when someone is signed in to their practice ([`signed_in`]).
//!
//! The cookie (`tp_session`) carries 256 random bits; only their SHA-256 is stored. The
//! session id is the `sid` of every token issued through the session and never leaves the
//! server in a cookie. Cookie attributes are the HTTP layer's (`http::login`).

use tp_audit_log::action::identity as audit;
use tp_audit_log::{Action, Actor, AuditEvent, Outcome, Subject};

use crate::audit::OptionalTenant as _;
use chrono::{DateTime, Utc};
use tp_ids::{SessionId, TenantId, UserId};

use crate::db::{revocation, sessions};
use crate::domain::secret;
use crate::domain::session::Stage;
use crate::error::Error;
use crate::oauth::publish_revoked_session;
use crate::state::AppState;

pub(crate) const COOKIE: &str = "tp_session";

/// A live session, as the sign-in steps see it.
#[derive(Debug, Clone)]
pub(crate) struct SignInSession {
    pub id: SessionId,
    pub user: UserId,
    /// Chosen practice; `None` before the choice and for platform operators. A federated
    /// session has its practice from the start.
    pub tenant: Option<TenantId>,
    pub stage: Stage,
    /// How the person authenticated so far (RFC 8176 values: `pwd`, `fed`, `otp`).
    pub amr: Vec<String>,
    pub auth_time: DateTime<Utc>,
}

/// The live session of the cookie token, if any. A session found idle too long, past its
/// absolute expiry or with its practice or account no longer active is ended on the spot
/// (database and Redis), so its tokens stop too: that is the automatic logoff.
pub(crate) async fn current(state: &AppState, token: Option<&str>) -> Result<Option<SignInSession>, Error> {
    let Some(token) = token.filter(|t| t.len() == 43) else { return Ok(None) };
    let Some(row) = sessions::find_by_token(&state.db, &secret::digest(token)).await? else { return Ok(None) };
    if !row.live {
        if !row.revoked {
            end(state, row.id, audit::SESSION_EXPIRED, Actor::System("session-timeout")).await?;
        }
        return Ok(None);
    }
    Ok(Some(SignInSession {
        id: row.id,
        user: row.user,
        tenant: row.tenant,
        stage: row.stage,
        amr: row.amr,
        auth_time: row.auth_time,
    }))
}

/// Activity on the session (an authorize request): restarts its idle timer.
pub(crate) async fn touch(state: &AppState, session: &SignInSession) -> Result<(), Error> {
    revocation::touch_session(&state.db, session.id).await.map_err(Error::from)
}

/// How a new session starts: after its first factor (`amr`), in `stage`, for `tenant` when
/// the first factor fixed the practice (a federated sign-in), living `lifetime_secs` at most.
pub(crate) struct Start<'a> {
    pub user: UserId,
    pub tenant: Option<TenantId>,
    pub stage: Stage,
    pub amr: &'a str,
    pub lifetime_secs: i32,
}

/// A new session after a first factor; its id and cookie token (the token shown once).
pub(crate) async fn start(state: &AppState, start: Start<'_>) -> Result<(SessionId, String), Error> {
    let token = secret::generate();
    let id = SessionId::generate();
    let session = sessions::NewSession {
        id,
        token_hash: secret::digest(&token),
        user: start.user,
        tenant: start.tenant,
        stage: start.stage,
        amr: vec![start.amr.to_owned()],
        lifetime_secs: start.lifetime_secs,
    };
    sessions::insert(&state.db, session).await?;
    Ok((id, token))
}

/// Records that `user` is now signed in to `tenant` through `session` (authenticated, MFA
/// done if owed): the event the practice's admins see. Written when the practice is chosen,
/// when a federated session starts authenticated, and when a session bound to its practice
/// completes a second factor.
pub(crate) async fn signed_in(
    state: &AppState,
    session: SessionId,
    user: UserId,
    tenant: TenantId,
) -> Result<(), Error> {
    let event = AuditEvent::new(audit::SIGN_IN_SUCCEEDED, Outcome::Success, Actor::User(user))
        .tenant(tenant)
        .subject(Subject::new("session", session));
    crate::audit::emit(&state.db, event).await
}

/// Ends the session: revoked in the database with its refresh tokens, and its `sid`
/// published so that verifiers refuse its access tokens at once. Ends `session` (database and Redis) and records why: `action` is
/// `SESSION_ENDED` (sign-out) or `SESSION_EXPIRED` (automatic logoff), done by `actor`.
pub(crate) async fn end(state: &AppState, session: SessionId, action: Action, actor: Actor) -> Result<(), Error> {
    let tenant = sessions::end(&state.db, session).await?;
    publish_revoked_session(&state.redis, state.settings.access_token_ttl_secs, session)
        .await
        .map_err(|e| Error::Unavailable(anyhow::Error::new(e).context("publish revoked session")))?;
    let event =
        AuditEvent::new(action, Outcome::Success, actor).tenant_opt(tenant).subject(Subject::new("session", session));
    crate::audit::emit(&state.db, event).await
}
