//! [`admit`]: may this caller perform this operation on this client's chart? First the role
//! table (`tp_authz::authorize`: another practice answers NOT_FOUND, a missing permission
//! FORBIDDEN), then the relationship (`domain::relationship`), asking identity for care
//! teams. A refusal is audited (outcome `denied`) before it is returned.
//!
//! [`admit_clinical`] is the gate for clinical content (notes, diagnoses, plans, medications,
//! documents, forms): the care team or the client themself, never a role alone; and, to
//! read only, a clinician's open break-glass grant (`chart::break_glass`), flagged on every
//! event it allows.
//!
//! Relationship refusals answer FORBIDDEN, not NOT_FOUND: they are decided before any row is
//! read, so they reveal nothing about whether the client or their chart exists.

use tp_audit_log::{Action, AuditEvent, Outcome};
use tp_authz::Permission;
use tp_db::TenantTx;
use tp_ids::{TenantId, UserId};
use uuid::Uuid;

use crate::audit::{Caller, record_refusal};
use crate::db::break_glass;
use crate::domain::relationship::{Clinical, Requirement, clinical, requirement};
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
            Some(client) => {
                relationship(state, caller, (tenant, client), permission == Permission::DemographicsWrite).await
            }
            None => Ok(()),
        },
    };
    if matches!(decision, Err(Error::Forbidden | Error::NotFound)) {
        record_refusal(&state.db, caller, action, client).await;
    }
    decision
}

async fn relationship(
    state: &AppState,
    caller: &Caller<'_>,
    (tenant, client): (TenantId, UserId),
    write: bool,
) -> Result<(), Error> {
    match requirement(caller.principal, client, write) {
        Requirement::Granted => Ok(()),
        Requirement::CareTeam { clinician } => {
            if state.identity.is_assigned(caller, tenant, clinician, client).await? {
                Ok(())
            } else {
                Err(Error::Forbidden)
            }
        }
        Requirement::Refused => Err(Error::Forbidden),
    }
}

/// How an admitted caller reached a client's clinical content. Success events are built
/// from it ([`Reach::event`]) so that how the chart was reached is part of the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// The client themself.
    Own(UserId),
    /// A member of the client's care team.
    CareTeam(UserId),
    /// A clinician off the care team, through an open break-glass grant (reading only).
    BreakGlass { clinician: UserId, grant: Uuid },
}

impl Reach {
    /// The person acting.
    pub const fn user(self) -> UserId {
        match self {
            Reach::Own(user) | Reach::CareTeam(user) | Reach::BreakGlass { clinician: user, .. } => user,
        }
    }

    /// The success event of `action` on `client`'s chart by `caller`, reached this way.
    /// Under break-glass the event carries detail `break_glass` = the grant's id: the flag
    /// practice admins review.
    pub fn event(self, caller: &Caller<'_>, action: Action, tenant: TenantId, client: UserId) -> AuditEvent {
        let event = caller.event(action, Outcome::Success, tenant, Some(client));
        match self {
            Reach::BreakGlass { grant, .. } => event.detail("break_glass", grant.to_string()),
            Reach::Own(_) | Reach::CareTeam(_) => event,
        }
    }
}

/// May this caller use `permission` on `client`'s clinical content? The role table, then
/// [`clinical`]: the client themself for a client's permissions, otherwise the care team
/// (identity asked with the caller's token, fail closed). A refusal is audited.
pub async fn admit_clinical(
    state: &AppState,
    caller: &Caller<'_>,
    tenant: TenantId,
    client: UserId,
    permission: Permission,
    action: Action,
) -> Result<Reach, Error> {
    let decision = match tp_authz::authorize(caller.principal, Some(tenant), permission) {
        Err(denied) => Err(Error::from(denied)),
        Ok(()) => match clinical(caller.principal.actor(), caller.principal.roles(), client, permission) {
            Clinical::Own => Ok(Reach::Own(client)),
            Clinical::CareTeam { member } => {
                if state.identity.is_assigned(caller, tenant, member, client).await? {
                    Ok(Reach::CareTeam(member))
                } else {
                    emergency(state, caller, (tenant, client), member, permission).await
                }
            }
            Clinical::Refused => Err(Error::Forbidden),
        },
    };
    if matches!(decision, Err(Error::Forbidden | Error::NotFound)) {
        record_refusal(&state.db, caller, action, Some(client)).await;
    }
    decision
}

/// Permissions a break-glass grant extends to: reading the chart and its progress notes.
/// Never writing, never psychotherapy notes, never an export.
const BREAK_GLASS_READS: [Permission; 2] = [Permission::ClinicalRead, Permission::NotesRead];

/// The reach of a clinician off the care team: their open break-glass grant for this
/// client, if the permission is one a grant extends to; FORBIDDEN otherwise.
async fn emergency(
    state: &AppState,
    caller: &Caller<'_>,
    (tenant, client): (TenantId, UserId),
    clinician: UserId,
    permission: Permission,
) -> Result<Reach, Error> {
    let may = BREAK_GLASS_READS.contains(&permission)
        && tp_authz::authorize(caller.principal, Some(tenant), Permission::BreakGlass).is_ok();
    if !may {
        return Err(Error::Forbidden);
    }
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let grant = break_glass::active(&tx, clinician, client).await?;
    tx.commit().await?;
    grant.map(|grant| Reach::BreakGlass { clinician, grant }).ok_or(Error::Forbidden)
}
