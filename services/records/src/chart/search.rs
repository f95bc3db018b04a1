//! Finding clients by full legal name through the blind index: exact match (case, accents
//! and spacing aside), within the caller's practice, at most [`MAX_RESULTS`] hits. Each
//! client shown gets its own audit event (so it appears in that client's access history);
//! a search that matched nobody leaves one event without subject.

use tp_audit_log::Outcome;
use tp_audit_log::action::records::CLIENTS_SEARCHED;
use tp_authz::Permission;
use tp_db::TenantTx;
use tp_ids::TenantId;
use tp_records_api::chart::{ClientSummary, SearchResults};

use crate::audit::{Caller, record};
use crate::chart::access::admit;
use crate::db::clients;
use crate::domain::name::SearchName;
use crate::error::Error;
use crate::seal::RowSeal;
use crate::state::AppState;

/// More hits than this for one exact full name is a list, not a look-up.
pub const MAX_RESULTS: u64 = 20;

#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn search(
    state: &AppState,
    caller: &Caller<'_>,
    tenant: TenantId,
    name: Option<&str>,
) -> Result<SearchResults, Error> {
    admit(state, caller, tenant, None, Permission::ClientsSearch, CLIENTS_SEARCHED).await?;
    let name = SearchName::parse("name", name.unwrap_or_default())?;
    let index = state.blind_index.compute(tenant, &name).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let mut found = Vec::new();
    for hit in clients::find_by_name_index(&tx, index, MAX_RESULTS).await? {
        let seal = RowSeal { keyring: &state.keyring, tenant, client: hit.client };
        found.push(ClientSummary {
            client_id: hit.client,
            legal_name: seal.open_legal_name(&hit.legal_name).await?,
            date_of_birth: seal.open_date(hit.date_of_birth.as_deref()).await?,
        });
        record(&*tx, &caller.event(CLIENTS_SEARCHED, Outcome::Success, tenant, Some(hit.client))).await?;
    }
    if found.is_empty() {
        record(&*tx, &caller.event(CLIENTS_SEARCHED, Outcome::Success, tenant, None)).await?;
    }
    tx.commit().await?;
    Ok(SearchResults { clients: found })
}
