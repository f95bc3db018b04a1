//! The templates a practice requires before a client's first appointment. Read by anyone
//! who reads templates (a client sees what is asked of them); replaced by practice admins
//! (`ConsentTemplatesManage`), audited in the transaction. Every key must name a built-in or
//! one of the practice's templates.

use tp_audit_log::action::consent::REQUIREMENTS_SET;
use tp_authz::Permission;
use tp_consent_api::templates::Requirements;
use tp_db::TenantTx;
use tp_ids::TenantId;

use super::access::{admit, person};
use crate::audit::{Caller, record};
use crate::db::{requirements as rows, templates};
use crate::domain::requirements::collapse;
use crate::domain::template::TemplateRef;
use crate::error::Error;
use crate::state::AppState;

#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn get(state: &AppState, caller: &Caller<'_>, tenant: TenantId) -> Result<Requirements, Error> {
    tp_authz::authorize(caller.principal, Some(tenant), Permission::ConsentTemplatesRead)?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let keys = rows::get(&tx).await?;
    tx.commit().await?;
    Ok(Requirements { before_first_appointment: keys })
}

/// Replaces the practice's requirements with `input`'s distinct keys, in their order.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn set(
    state: &AppState,
    caller: &Caller<'_>,
    tenant: TenantId,
    input: Requirements,
) -> Result<Requirements, Error> {
    admit(state, caller, (tenant, Permission::ConsentTemplatesManage, REQUIREMENTS_SET), None).await?;
    let by = person(caller)?;
    let refs = collapse(&input.before_first_appointment)?;
    let ids: Vec<uuid::Uuid> = refs
        .iter()
        .filter_map(|r| match r {
            TemplateRef::Practice(id) => Some(*id),
            TemplateRef::Builtin(_) => None,
        })
        .collect();
    let keys: Vec<String> = refs.into_iter().map(TemplateRef::key).collect();
    let tx = TenantTx::begin(&state.db, tenant).await?;
    if templates::existing(&tx, &ids).await?.len() != ids.len() {
        return Err(Error::invalid("before_first_appointment", "every key must be an existing template"));
    }
    rows::set(&tx, &keys, by).await?;
    record(&*tx, &caller.success(REQUIREMENTS_SET, tenant, None).detail("count", keys.len().to_string())).await?;
    tx.commit().await?;
    Ok(Requirements { before_first_appointment: keys })
}
