//! Reading and replacing a client's demographics. The row is read (or written) and its
//! audit event appended in one `TenantTx`: if the event cannot be written the transaction
//! rolls back and the caller gets an error, never the data (fail closed).

use tp_audit_log::Outcome;
use tp_audit_log::action::records::{DEMOGRAPHICS_READ, DEMOGRAPHICS_UPDATED};
use tp_authz::Permission;
use tp_db::TenantTx;
use tp_ids::{TenantId, UserId};
use tp_records_api::chart::{Chart, Demographics};

use crate::audit::{Caller, record};
use crate::chart::access::admit;
use crate::db::clients;
use crate::domain::demographics::validate;
use crate::error::Error;
use crate::seal::RowSeal;
use crate::state::AppState;

/// The client's chart; `demographics` is `None` until someone records them.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn read(state: &AppState, caller: &Caller<'_>, tenant: TenantId, client: UserId) -> Result<Chart, Error> {
    admit(state, caller, tenant, Some(client), Permission::DemographicsRead, DEMOGRAPHICS_READ).await?;
    let seal = RowSeal { keyring: &state.keyring, tenant, client };
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let (demographics, updated_at) = match clients::get(&tx, client).await? {
        Some((row, updated_at)) => (Some(seal.open_demographics(&row).await?), Some(updated_at)),
        None => {
            // No chart yet: empty for a client of the practice, unknown for anyone else (an
            // id from another practice must not read as an empty chart here).
            drop(tx);
            require_client(state, caller, tenant, client).await?;
            return read_empty(state, caller, tenant, client).await;
        }
    };
    record(&*tx, &caller.event(DEMOGRAPHICS_READ, Outcome::Success, tenant, Some(client))).await?;
    tx.commit().await?;
    Ok(Chart { client_id: client, demographics, updated_at })
}

/// Replaces the client's demographics with `input` (validated, trimmed) and returns the chart.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn update(
    state: &AppState,
    caller: &Caller<'_>,
    tenant: TenantId,
    client: UserId,
    input: Demographics,
) -> Result<Chart, Error> {
    admit(state, caller, tenant, Some(client), Permission::DemographicsWrite, DEMOGRAPHICS_UPDATED).await?;
    let valid = validate(input, chrono::Utc::now().date_naive())?;
    // A chart is opened only for a client of the practice.
    require_chart(state, caller, tenant, client).await?;
    // Vault work before the transaction opens: no connection is held while keys are fetched.
    let name_index = state.blind_index.compute(tenant, &valid.search_name).await?;
    let sealed = RowSeal { keyring: &state.keyring, tenant, client }.seal_demographics(&valid.demographics).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let updated_at = clients::upsert(&tx, client, sealed, name_index).await?;
    record(&*tx, &caller.event(DEMOGRAPHICS_UPDATED, Outcome::Success, tenant, Some(client))).await?;
    tx.commit().await?;
    Ok(Chart { client_id: client, demographics: Some(valid.demographics), updated_at: Some(updated_at) })
}

/// The audited answer for a client of the practice with no chart yet.
async fn read_empty(state: &AppState, caller: &Caller<'_>, tenant: TenantId, client: UserId) -> Result<Chart, Error> {
    let tx = TenantTx::begin(&state.db, tenant).await?;
    record(&*tx, &caller.event(DEMOGRAPHICS_READ, Outcome::Success, tenant, Some(client))).await?;
    tx.commit().await?;
    Ok(Chart { client_id: client, demographics: None, updated_at: None })
}

/// `NotFound` unless `client` has a chart here or is a client of `tenant` (whose chart is
/// still empty): what every operation on a whole chart checks before it reads.
pub(crate) async fn require_chart(
    state: &AppState,
    caller: &Caller<'_>,
    tenant: TenantId,
    client: UserId,
) -> Result<(), Error> {
    if chart_exists(state, tenant, client).await? {
        Ok(())
    } else {
        require_client(state, caller, tenant, client).await
    }
}

async fn chart_exists(state: &AppState, tenant: TenantId, client: UserId) -> Result<bool, Error> {
    let tx = TenantTx::begin(&state.db, tenant).await?;
    Ok(clients::get(&tx, client).await?.is_some())
}

/// `NotFound` unless `client` is a client of `tenant`: the caller itself (a client's token
/// is for its own practice), or as identity's directory says.
pub(crate) async fn require_client(
    state: &AppState,
    caller: &Caller<'_>,
    tenant: TenantId,
    client: UserId,
) -> Result<(), Error> {
    let is_self = matches!(caller.principal.actor(), tp_auth::Actor::User(me) if *me == client);
    if is_self || state.identity.is_client(caller.token, tenant, client).await? { Ok(()) } else { Err(Error::NotFound) }
}
