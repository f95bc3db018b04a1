//! [`admit`]: may this caller do this, in this practice, to this client's documents? First
//! the role table (`tp_authz::authorize`: another practice answers NOT_FOUND, a missing
//! permission FORBIDDEN), then the relationship (`domain::access`). A refusal is audited
//! (outcome `denied`) in the caller's own practice before it is returned.
//!
//! Relationship refusals answer FORBIDDEN, not NOT_FOUND: they are decided before any row is
//! read, so they reveal nothing about whether the client or their documents exist.

use tp_audit_log::Action;
use tp_auth::{Actor, RoleSet};
use tp_authz::Permission;
use tp_ids::{TenantId, UserId};

use crate::audit::{Caller, record_refusal};
use crate::domain::access::Reach;
use crate::error::Error;
use crate::state::AppState;

/// A rule of `domain::access`: how the caller stands to the client.
pub type Relationship = fn(&Actor, RoleSet, UserId) -> Reach;

/// `client` is `None` for practice-wide operations (templates, requirements).
pub async fn admit(
    state: &AppState,
    caller: &Caller<'_>,
    (tenant, permission, action): (TenantId, Permission, Action),
    client: Option<(UserId, Relationship)>,
) -> Result<Reach, Error> {
    let decision = match tp_authz::authorize(caller.principal, Some(tenant), permission) {
        Err(denied) => Err(Error::from(denied)),
        Ok(()) => match client {
            None => Ok(Reach::Practice),
            Some((client, relationship)) => {
                match relationship(caller.principal.actor(), caller.principal.roles(), client) {
                    Reach::Refused => Err(Error::Forbidden),
                    reach => Ok(reach),
                }
            }
        },
    };
    if decision.is_err() {
        record_refusal(&state.db, caller, action, client.map(|(client, _)| client)).await;
    }
    decision
}

/// The person acting: templates and requirements record their author, and only people
/// sign; an API client is refused.
pub fn person(caller: &Caller<'_>) -> Result<UserId, Error> {
    match caller.principal.actor() {
        Actor::User(user) => Ok(*user),
        Actor::Client(_) => Err(Error::Forbidden),
    }
}
