//! A client's one current treatment plan (problem statement and goals): read by the care
//! team and the client themself, set by clinicians of the care team (each set is a new
//! version). Admitted by `admit_clinical`; the row work and its audit event share one
//! `TenantTx` (fail closed). The plan is sealed bound to the client's id.
//!
//! Not here: earlier versions (only the current plan is kept; the audit log says who set it
//! when).

use tp_audit_log::action::records::{TREATMENT_PLAN_READ, TREATMENT_PLAN_SET};
use tp_authz::Permission;
use tp_db::TenantTx;
use tp_ids::{TenantId, UserId};
use tp_records_api::clinical::{CurrentTreatmentPlan, TreatmentPlan, TreatmentPlanInput};

use crate::audit::{Caller, record};
use crate::chart::access::admit_clinical;
use crate::db::treatment_plans::{self as rows, PlanRow};
use crate::domain::clinical;
use crate::error::Error;
use crate::sealed_json::JsonSeal;
use crate::state::AppState;

fn seal(state: &AppState, tenant: TenantId, client: UserId) -> JsonSeal<'_> {
    JsonSeal { keyring: &state.keyring, tenant, table: "records.treatment_plans", column: "body", row: client.into() }
}

#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn read(
    state: &AppState,
    caller: &Caller<'_>,
    tenant: TenantId,
    client: UserId,
) -> Result<CurrentTreatmentPlan, Error> {
    let reach = admit_clinical(state, caller, tenant, client, Permission::ClinicalRead, TREATMENT_PLAN_READ).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let plan = current(state, &tx, client).await?;
    record(&*tx, &reach.event(caller, TREATMENT_PLAN_READ, tenant, client)).await?;
    tx.commit().await?;
    Ok(CurrentTreatmentPlan { plan })
}

/// The client's current plan, if any, read in the caller's transaction (which has admitted
/// and audits the access: `read` and the chart export).
pub(crate) async fn current(state: &AppState, tx: &TenantTx, client: UserId) -> Result<Option<TreatmentPlan>, Error> {
    match rows::get(tx, client).await? {
        Some(row) => {
            let doc = seal(state, tx.tenant(), client).open(&row.body).await?;
            Ok(Some(wire(client, row, doc)))
        }
        None => Ok(None),
    }
}

/// Replaces the client's plan with `input` (validated after access); the version goes up.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn set(
    state: &AppState,
    caller: &Caller<'_>,
    tenant: TenantId,
    client: UserId,
    input: TreatmentPlanInput,
) -> Result<TreatmentPlan, Error> {
    let reach = admit_clinical(state, caller, tenant, client, Permission::ClinicalWrite, TREATMENT_PLAN_SET).await?;
    let doc = clinical::treatment_plan(input)?;
    let body = seal(state, tenant, client).seal(&doc).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let row = rows::set(&tx, client, body, reach.user()).await?;
    let event = reach.event(caller, TREATMENT_PLAN_SET, tenant, client).detail("version", row.version.to_string());
    record(&*tx, &event).await?;
    tx.commit().await?;
    Ok(wire(client, row, doc))
}

fn wire(client: UserId, row: PlanRow, doc: TreatmentPlanInput) -> TreatmentPlan {
    TreatmentPlan {
        client_id: client,
        problem: doc.problem,
        goals: doc.goals,
        version: row.version,
        updated_by: row.updated_by,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}
