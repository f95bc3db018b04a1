//! [`admit`]: may this caller perform this operation on this client's chart? First the role
//! table (`tp_authz::authorize`: another practice answers NOT_FOUND, a missing permission
//! FORBIDDEN), then the relationship (`domain::relationship`), asking identity for care
//! teams. A refusal is audited (outcome `denied`) before it is returned.
//!
//! Relationship refusals answer FORBIDDEN, not NOT_FOUND: they are decided before any row is
//! read, so they reveal nothing about whether the client or their chart exists.

use tp_audit_log::Action;
use tp_authz::Permission;
use tp_ids::{TenantId, UserId};

use crate::audit::{Caller, record_refusal};
use crate::domain::relationship::{Requirement, requirement};
use crate::error::Error;
use crate::state::AppState;

/// `client` is `None` for operations on no particular client (search).
pub async fn admit(
    state: &AppState,
    caller: &Caller<'_>,
    tenant: TenantId,
    client: Option<UserId>,
    permission: Permission,
    action: Action,
) -> Result<(), Error> {
    let decision = match tp_authz::authorize(caller.principal, Some(tenant), permission) {
        Err(denied) => Err(Error::from(denied)),
        Ok(()) => match client {
            Some(client) => relationship(state, caller, client, permission == Permission::DemographicsWrite).await,
            None => Ok(()),
        },
    };
    if matches!(decision, Err(Error::Forbidden | Error::NotFound)) {
        record_refusal(&state.db, caller, action, client).await;
    }
    decision
}

async fn relationship(state: &AppState, caller: &Caller<'_>, client: UserId, write: bool) -> Result<(), Error> {
    match requirement(caller.principal, client, write) {
        Requirement::Granted => Ok(()),
        Requirement::CareTeam { clinician } => {
            if state.identity.is_assigned(caller.token, clinician, client).await? {
                Ok(())
            } else {
                Err(Error::Forbidden)
            }
        }
        Requirement::Refused => Err(Error::Forbidden),
    }
}
