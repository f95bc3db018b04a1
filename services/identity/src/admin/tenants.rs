//! Tenant lifecycle: create (with its transit key), read, session policy, suspend,
//! reactivate and offboard (crypto-shred: the tenant's transit key is destroyed). Each change
//! and its audit event commit in one transaction scoped to the tenant.

use tp_audit_log::{Action, Subject, action::identity as audit};
use tp_authz::Permission;
use tp_db::TenantTx;
use tp_ids::TenantId;
use tp_vault::{VaultError, tenant_key_name};

use crate::admin::audit;
use crate::db::tenants::{self, Tenant};
use crate::domain::admin::{Caller, authorize};
use crate::domain::tenant::{SessionPolicy, TenantName, TenantSlug, TenantStatus, check_offboard_confirmation};
use crate::error::Error;
use crate::state::AppState;

fn subject(id: TenantId) -> Subject {
    Subject::new("tenant", id)
}

/// Creates the tenant's transit key first: a tenant row without a key could not store data,
/// while a key without a row (an insert that failed afterwards) is harmless.
pub async fn create(state: &AppState, caller: &Caller, slug: &str, name: &str) -> Result<Tenant, Error> {
    authorize(caller, None, Permission::TenantsAdminister)?;
    let (slug, name) = (TenantSlug::parse(slug)?, TenantName::parse(name)?);
    let id = TenantId::generate();
    state.vault.create_key(&tenant_key_name(&id)).await?;
    let tx = TenantTx::begin(&state.db, id).await?;
    let tenant = tenants::create(&*tx, id, &slug, &name).await?;
    audit(&*tx, caller, audit::TENANT_CREATED, id, subject(id)).await?;
    tx.commit().await?;
    Ok(tenant)
}

pub async fn list(state: &AppState, caller: &Caller) -> Result<Vec<Tenant>, Error> {
    authorize(caller, None, Permission::TenantsAdminister)?;
    tenants::list(&state.db).await
}

pub async fn get(state: &AppState, caller: &Caller, id: TenantId) -> Result<Tenant, Error> {
    authorize(caller, Some(id), Permission::TenantSettingsRead)?;
    tenants::get(&state.db, id).await?.ok_or(Error::NotFound)
}

pub async fn set_policy(
    state: &AppState,
    caller: &Caller,
    id: TenantId,
    policy: SessionPolicy,
) -> Result<Tenant, Error> {
    authorize(caller, Some(id), Permission::TenantSettingsWrite)?;
    let tx = TenantTx::begin(&state.db, id).await?;
    let tenant = tenants::set_policy(&*tx, id, &policy).await?;
    audit(&*tx, caller, audit::TENANT_POLICY_CHANGED, id, subject(id)).await?;
    tx.commit().await?;
    Ok(tenant)
}

/// No sign-in, no token, and every live session and API-client token refused at once.
pub async fn suspend(state: &AppState, caller: &Caller, id: TenantId) -> Result<Tenant, Error> {
    authorize(caller, None, Permission::TenantsAdminister)?;
    transition(state, caller, id, TenantStatus::Suspended, audit::TENANT_SUSPENDED).await
}

pub async fn reactivate(state: &AppState, caller: &Caller, id: TenantId) -> Result<Tenant, Error> {
    authorize(caller, None, Permission::TenantsAdminister)?;
    let tenant = transition(state, caller, id, TenantStatus::Active, audit::TENANT_REACTIVATED).await?;
    // Suspension listed the API clients' sids as revoked; their new tokens carry the same
    // sid, so that listing goes (people's sessions stay ended: they sign in again).
    let clients = tenants::api_client_sessions(&state.db, id).await?;
    crate::oauth::revocation::withdraw_revoked_sessions(state, &clients).await?;
    Ok(tenant)
}

/// Destroys the tenant's key, so everything encrypted under it (every PHI field, through
/// the data keys it wraps) is unreadable for good, then marks the tenant offboarded.
/// Retrying after a partial failure is safe: a key already gone counts as destroyed.
pub async fn offboard(state: &AppState, caller: &Caller, id: TenantId, confirmation: &str) -> Result<Tenant, Error> {
    authorize(caller, None, Permission::TenantsAdminister)?;
    let tenant = tenants::get(&state.db, id).await?.ok_or(Error::NotFound)?;
    if tenant.status == TenantStatus::Offboarded {
        return Err(Error::NotFound);
    }
    check_offboard_confirmation(&tenant.slug, confirmation)?;
    match state.vault.delete_key(&tenant_key_name(&id)).await {
        Ok(()) | Err(VaultError::NotFound(_)) => {}
        Err(e) => return Err(e.into()),
    }
    transition(state, caller, id, TenantStatus::Offboarded, audit::TENANT_OFFBOARDED).await
}

/// Moves the tenant to `status`; leaving `active` also ends every session and API-client
/// token of the tenant (in the database, then for verifiers through Redis).
async fn transition(
    state: &AppState,
    caller: &Caller,
    id: TenantId,
    status: TenantStatus,
    action: Action,
) -> Result<Tenant, Error> {
    let tx = TenantTx::begin(&state.db, id).await?;
    let tenant = tenants::set_status(&*tx, id, status).await?;
    let sessions = if status == TenantStatus::Active {
        Vec::new()
    } else {
        tenants::revoke_everything(&*tx, id, state.settings.access_token_ttl_secs + 60).await?
    };
    audit(&*tx, caller, action, id, subject(id)).await?;
    tx.commit().await?;
    crate::oauth::revocation::publish_revoked_sessions(state, &sessions).await?;
    Ok(tenant)
}
