//! Tenant lifecycle: create (with its transit key), read, session policy, suspend,
//! reactivate and offboard (crypto-shred: the tenant's transit key is destroyed).

use tp_ids::TenantId;
use tp_vault::{VaultError, tenant_key_name};

use crate::db::tenants::{self, Tenant};
use crate::domain::admin::{AdminAction, Caller, authorize};
use crate::domain::tenant::{SessionPolicy, TenantName, TenantSlug, TenantStatus, check_offboard_confirmation};
use crate::error::Error;
use crate::state::AppState;

/// Creates the tenant's transit key first: a tenant row without a key could not store data,
/// while a key without a row (an insert that failed afterwards) is harmless and reused.
pub async fn create(state: &AppState, caller: &Caller, slug: &str, name: &str) -> Result<Tenant, Error> {
    authorize(caller, None, AdminAction::ManageTenants)?;
    let (slug, name) = (TenantSlug::parse(slug)?, TenantName::parse(name)?);
    let id = TenantId::generate();
    state.vault.create_key(&tenant_key_name(&id)).await?;
    tenants::create(&state.db, id, &slug, &name).await
}

pub async fn list(state: &AppState, caller: &Caller) -> Result<Vec<Tenant>, Error> {
    authorize(caller, None, AdminAction::ManageTenants)?;
    tenants::list(&state.db).await
}

pub async fn get(state: &AppState, caller: &Caller, id: TenantId) -> Result<Tenant, Error> {
    authorize(caller, Some(id), AdminAction::ConfigureTenant)?;
    tenants::get(&state.db, id).await?.ok_or(Error::NotFound)
}

pub async fn set_policy(
    state: &AppState,
    caller: &Caller,
    id: TenantId,
    policy: SessionPolicy,
) -> Result<Tenant, Error> {
    authorize(caller, Some(id), AdminAction::ConfigureTenant)?;
    tenants::set_policy(&state.db, id, &policy).await
}

/// No sign-in, no token, and every live session and API-client token refused at once.
pub async fn suspend(state: &AppState, caller: &Caller, id: TenantId) -> Result<Tenant, Error> {
    authorize(caller, None, AdminAction::ManageTenants)?;
    let tenant = tenants::set_status(&state.db, id, TenantStatus::Suspended).await?;
    end_all_sessions(state, id).await?;
    Ok(tenant)
}

pub async fn reactivate(state: &AppState, caller: &Caller, id: TenantId) -> Result<Tenant, Error> {
    authorize(caller, None, AdminAction::ManageTenants)?;
    tenants::set_status(&state.db, id, TenantStatus::Active).await
}

/// Destroys the tenant's key, so everything encrypted under it (every PHI field, through
/// the data keys it wraps) is unreadable for good, then marks the tenant offboarded.
/// Retrying after a partial failure is safe: a key already gone counts as destroyed.
pub async fn offboard(state: &AppState, caller: &Caller, id: TenantId, confirmation: &str) -> Result<Tenant, Error> {
    authorize(caller, None, AdminAction::ManageTenants)?;
    let tenant = tenants::get(&state.db, id).await?.ok_or(Error::NotFound)?;
    if tenant.status == TenantStatus::Offboarded {
        return Err(Error::NotFound);
    }
    check_offboard_confirmation(&tenant.slug, confirmation)?;
    end_all_sessions(state, id).await?;
    match state.vault.delete_key(&tenant_key_name(&id)).await {
        Ok(()) | Err(VaultError::NotFound(_)) => {}
        Err(e) => return Err(e.into()),
    }
    tenants::set_status(&state.db, id, TenantStatus::Offboarded).await
}

async fn end_all_sessions(state: &AppState, id: TenantId) -> Result<(), Error> {
    let sessions = tenants::revoke_everything(&state.db, id).await?;
    crate::oauth::revocation::publish_revoked_sessions(state, &sessions).await
}
