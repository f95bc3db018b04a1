//! The practice directory: people of a practice looked up by id, for callers that show
//! names next to ids (the gateway resolves every `User` field through it, batched).
//!
//! Minimum necessary: everyone who may read the directory (clinicians and staff too) gets
//! names and roles; the email only goes to callers who may read members with their contact
//! details. Ids that are not members of the practice are left out, never an error, so a
//! lookup reveals nothing about other practices' people. A client (who may look people up
//! to see who accessed their record) sees the practice's staff and clinicians and
//! themselves, never another client: who else is a client is PHI.

use tp_auth::{Actor, Role};
use tp_authz::Permission;
use tp_db::TenantTx;
use tp_identity_api::admin::{Directory, DirectoryEntry};
use tp_ids::{TenantId, UserId};

use crate::db::directory;
use crate::domain::admin::{Caller, authorize};
use crate::error::Error;
use crate::state::AppState;

pub async fn lookup(state: &AppState, caller: &Caller, tenant: TenantId, ids: &[UserId]) -> Result<Directory, Error> {
    authorize(caller, Some(tenant), Permission::DirectoryRead)?;
    let with_email = caller.holds(Permission::MembersRead);
    let client_view = caller.principal().has_role(Role::Client)
        && ![Role::PracticeAdmin, Role::Clinician, Role::Staff].iter().any(|r| caller.principal().has_role(*r));
    let me = match caller.actor() {
        Actor::User(me) => Some(*me),
        Actor::Client(_) => None,
    };
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let rows = directory::lookup(&tx, ids).await?;
    tx.commit().await?;
    let visible = |row: &directory::DirectoryRow| {
        !client_view || Some(row.user) == me || !row.roles.iter().any(|r| r == Role::Client.as_str())
    };
    let users = rows
        .into_iter()
        .filter(visible)
        .map(|row| DirectoryEntry {
            user_id: row.user,
            display_name: row.display_name,
            roles: row.roles,
            email: with_email.then_some(row.email),
        })
        .collect();
    Ok(Directory { users })
}
