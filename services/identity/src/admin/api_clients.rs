//! A practice's developer clients (client credentials bound to the practice), registered by
//! its admins or by an operator. The secret is returned once; only its digest is stored.
//! A client an operator registers obtains no token until a practice admin approves it, so an
//! operator never holds a working credential into a practice's data.

use tp_audit_log::{Subject, action::identity as audit_action};
use tp_authz::Permission;
use tp_db::TenantTx;
use tp_ids::{ClientId, TenantId};

use crate::db::tenants;
use crate::domain::admin::{Caller, authorize};
use crate::domain::scope::ScopeSet;
use crate::domain::tenant::TenantStatus;
use crate::error::Error;
use crate::oauth::clients::{self, ApiClient, NewApiClient};
use crate::state::AppState;

pub async fn create(
    state: &AppState,
    caller: &Caller,
    tenant: TenantId,
    name: &str,
    scopes: &[String],
) -> Result<NewApiClient, Error> {
    authorize(caller, Some(tenant), Permission::ApiClientsManage)?;
    let scopes = ScopeSet::parse_api(scopes.iter().map(String::as_str))
        .map_err(|_| Error::invalid("scopes", "use one or more API scopes, e.g. scheduling:read"))?;
    // An operator may name any tenant id: an unknown or offboarded one is not found.
    let known = tenants::get(&state.db, tenant).await?;
    if known.is_none_or(|t| t.status == TenantStatus::Offboarded) {
        return Err(Error::NotFound);
    }
    // Operators provision; a practice admin's approval lets the client in (ADR 0004).
    clients::create_api_client(&state.db, tenant, name, &scopes, &caller.actor().into(), !caller.is_operator()).await
}

/// A practice admin lets an operator-created client obtain tokens.
pub async fn approve(state: &AppState, caller: &Caller, tenant: TenantId, client: &ClientId) -> Result<(), Error> {
    authorize(caller, Some(tenant), Permission::ApiClientsApprove)?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    if !crate::db::clients::approve_for_tenant(&*tx, tenant, client).await? {
        return Err(Error::NotFound);
    }
    crate::admin::audit(&*tx, caller, audit_action::API_CLIENT_APPROVED, tenant, Subject::new("client", client))
        .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn list(state: &AppState, caller: &Caller, tenant: TenantId) -> Result<Vec<ApiClient>, Error> {
    authorize(caller, Some(tenant), Permission::ApiClientsManage)?;
    clients::list_api_clients(&state.db, tenant).await
}

pub async fn revoke(state: &AppState, caller: &Caller, tenant: TenantId, client: &ClientId) -> Result<(), Error> {
    authorize(caller, Some(tenant), Permission::ApiClientsManage)?;
    let actor = caller.actor().into();
    clients::revoke_api_client(&state.db, &state.redis, state.settings.access_token_ttl_secs, tenant, client, &actor)
        .await
}
