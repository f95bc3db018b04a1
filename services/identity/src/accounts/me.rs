//! The caller's own account (`/v1/me`): profile, practices, live sessions, and ending one
//! of those sessions. People only: an API client's token has no person behind it, and the
//! permission table (`OwnAccount`) refuses machines anyway.
//!
//! Ending a session is sign-out's `session::end` (database, refresh tokens, `sid` published
//! to Redis, audited), never a second copy of it. Not here: changing the profile or the
//! password (the account link pages).

use tp_audit_log::action::identity::SESSION_ENDED;
use tp_auth::Actor;
use tp_authz::Permission;
use tp_identity_api::account::{MyTenant, MyTenants, Profile, Session, Sessions};
use tp_ids::{SessionId, UserId};

use crate::db::{account, own_memberships};
use crate::domain::admin::{Caller, authorize};
use crate::error::Error;
use crate::signin::session;
use crate::state::AppState;

/// The person behind the token; `Forbidden` for a machine (an API client, the operator client).
fn person(caller: &Caller) -> Result<UserId, Error> {
    authorize(caller, None, Permission::OwnAccount)?;
    match caller.actor() {
        Actor::User(user) => Ok(*user),
        Actor::Client(_) => Err(Error::Forbidden),
    }
}

pub async fn profile(state: &AppState, caller: &Caller) -> Result<Profile, Error> {
    let user = person(caller)?;
    let row = account::profile(&state.db, user).await?.ok_or(Error::NotFound)?;
    Ok(Profile {
        user_id: user,
        email: row.email,
        display_name: row.display_name,
        email_verified: row.email_verified,
        mfa_enrolled: row.mfa_enrolled,
    })
}

pub async fn tenants(state: &AppState, caller: &Caller) -> Result<MyTenants, Error> {
    let user = person(caller)?;
    let rows = own_memberships::list_for_account(&state.db, user).await?;
    let tenants = rows
        .into_iter()
        .map(|m| MyTenant { tenant_id: m.tenant, slug: m.slug, name: m.name, roles: m.roles, status: m.status })
        .collect();
    Ok(MyTenants { tenants })
}

pub async fn sessions(state: &AppState, caller: &Caller) -> Result<Sessions, Error> {
    let user = person(caller)?;
    let rows = account::live_sessions(&state.db, user).await?;
    let sessions = rows
        .into_iter()
        .map(|s| Session {
            session_id: s.id,
            tenant_id: s.tenant,
            created_at: s.created_at,
            last_seen_at: s.last_seen_at,
            expires_at: s.expires_at,
        })
        .collect();
    Ok(Sessions { sessions })
}

/// Ends one of the caller's own sessions, exactly as sign-out does. Another person's
/// session answers `NotFound`, like an id that does not exist. Ending an already ended
/// session of one's own succeeds again (and publishes its `sid` again).
pub async fn end_session(state: &AppState, caller: &Caller, id: SessionId) -> Result<(), Error> {
    let user = person(caller)?;
    if !account::owns_session(&state.db, user, id).await? {
        return Err(Error::NotFound);
    }
    session::end(state, id, SESSION_ENDED, tp_audit_log::Actor::User(user)).await
}
