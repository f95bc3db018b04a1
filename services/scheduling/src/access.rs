//! The checks every operation starts with: the role table (`tp_authz::authorize`: another
//! practice answers NOT_FOUND, a missing permission FORBIDDEN), the person acting, and the
//! refusals, each audited (outcome `denied`) in the caller's own practice before it returns.

use tp_audit_log::Action;
use tp_auth::Actor;
use tp_authz::Permission;
use tp_ids::{TenantId, UserId};

use crate::audit::{Caller, record_refusal};
use crate::error::Error;
use crate::state::AppState;

/// The role table's answer for `permission` in `tenant`, and the person acting: only people
/// book, cancel and record (a machine is refused).
pub async fn admit(
    state: &AppState,
    caller: &Caller<'_>,
    (tenant, permission, action): (TenantId, Permission, Action),
) -> Result<UserId, Error> {
    let decision = tp_authz::authorize(caller.principal, Some(tenant), permission).map_err(Error::from).and_then(
        |()| match caller.principal.actor() {
            Actor::User(user) => Ok(*user),
            Actor::Client(_) => Err(Error::Forbidden),
        },
    );
    if decision.is_err() {
        record_refusal(&state.db, caller, action, None).await;
    }
    decision
}

/// `err`, after auditing the refusal of `action` about `client`.
pub async fn refuse(state: &AppState, caller: &Caller<'_>, (action, client): (Action, UserId), err: Error) -> Error {
    record_refusal(&state.db, caller, action, Some(client)).await;
    err
}
