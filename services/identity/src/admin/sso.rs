//! A practice's own OpenID provider: configured by its admins only (the IdP decides who
//! signs in to the practice, so an operator must not be able to point it elsewhere). The client secret goes to Vault, never to the database or a response.

use tp_authz::Permission;
use tp_ids::TenantId;

use crate::domain::admin::{Caller, authorize};
use crate::error::Error;
use crate::federation::{SsoConfig, SsoView, configure_sso, get_sso, remove_sso};
use crate::state::AppState;

pub async fn configure(
    state: &AppState,
    caller: &Caller,
    tenant: TenantId,
    config: SsoConfig,
) -> Result<SsoView, Error> {
    authorize(caller, Some(tenant), Permission::SsoConfigure)?;
    let deps = state.sso_deps(caller.actor().into());
    configure_sso(&deps, tenant, config).await?;
    get_sso(&deps, tenant).await?.ok_or(Error::NotFound)
}

pub async fn get(state: &AppState, caller: &Caller, tenant: TenantId) -> Result<SsoView, Error> {
    authorize(caller, Some(tenant), Permission::SsoConfigure)?;
    get_sso(&state.sso_deps(caller.actor().into()), tenant).await?.ok_or(Error::NotFound)
}

pub async fn remove(state: &AppState, caller: &Caller, tenant: TenantId) -> Result<(), Error> {
    authorize(caller, Some(tenant), Permission::SsoConfigure)?;
    remove_sso(&state.sso_deps(caller.actor().into()), tenant).await
}
