//! Care-team assignments (clinician ↔ client), managed by practice admins and checked by
//! other services through the internal API before they show clinical data.

use tp_audit_log::{Subject, action::identity as audit_action};
use tp_authz::Permission;
use tp_db::TenantTx;
use tp_identity_api::events::EventKind;
use tp_identity_api::internal::care_team_stamp_key;
use tp_ids::{TenantId, UserId};

use crate::admin::audit;
use crate::db::care_teams;
use crate::domain::admin::{Caller, authorize};
use crate::error::Error;
use crate::events;
use crate::state::AppState;

/// Adding or ending an assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Assign,
    Unassign,
}

/// Assigns `clinician` to `client` (both active members with those roles) or ends the
/// assignment (`NotFound` when there was none), with its audit event, in one transaction.
pub async fn change(
    state: &AppState,
    caller: &Caller,
    tenant: TenantId,
    change: Change,
    (clinician, client): (UserId, UserId),
) -> Result<(), Error> {
    authorize(caller, Some(tenant), Permission::CareTeamsManage)?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let (action, kind) = match change {
        Change::Assign => {
            care_teams::assign(&tx, clinician, client).await?;
            (audit_action::CARE_TEAM_ASSIGNED, EventKind::CareTeamAssigned)
        }
        Change::Unassign => {
            care_teams::unassign(&tx, clinician, client).await?;
            (audit_action::CARE_TEAM_UNASSIGNED, EventKind::CareTeamUnassigned)
        }
    };
    audit(&*tx, caller, action, tenant, assignment(clinician, client)).await?;
    tx.commit().await?;
    events::publish(state, events::event(tenant, kind, Some(clinician), Some(client))).await;
    restamp(state, tenant).await
}

/// Replaces `tenant`'s care-team stamp (`tp_identity_api::internal::care_team_stamp_key`),
/// after a change to its care teams committed, so that services keeping care-team answers
/// (records) ask again. Redis unreachable is `Unavailable`: the change is committed, and a
/// cached answer lives no longer than its keeper's bound (records: `care_team_cache_secs`),
/// but the operator must know.
pub(crate) async fn restamp(state: &AppState, tenant: TenantId) -> Result<(), Error> {
    let mut redis = state.redis.clone();
    redis::cmd("SET")
        .arg(care_team_stamp_key(tenant))
        .arg(uuid::Uuid::new_v4().to_string())
        .query_async::<()>(&mut redis)
        .await
        .map_err(|e| Error::Unavailable(anyhow::Error::new(e).context("care-team stamp")))
}

pub async fn list(
    state: &AppState,
    caller: &Caller,
    tenant: TenantId,
    clinician: Option<UserId>,
    client: Option<UserId>,
) -> Result<Vec<(UserId, UserId)>, Error> {
    authorize(caller, Some(tenant), Permission::CareTeamsRead)?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let pairs = care_teams::list(&tx, clinician, client).await?;
    tx.commit().await?;
    Ok(pairs)
}

/// The internal check: is `clinician` on `client`'s care team in the caller's own tenant?
/// Any authenticated principal of the tenant may ask; the answer concerns only that tenant.
pub async fn check(state: &AppState, tenant: TenantId, clinician: UserId, client: UserId) -> Result<bool, Error> {
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let assigned = care_teams::is_assigned(&tx, clinician, client).await?;
    tx.commit().await?;
    Ok(assigned)
}

/// The assignment as an audit subject: the client is the subject, the clinician is kept as
/// a detail-free id pair (ids only, never names).
fn assignment(clinician: UserId, client: UserId) -> Subject {
    Subject::new("care_team", format!("{clinician}:{client}"))
}
