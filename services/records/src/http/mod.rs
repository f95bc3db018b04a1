//! HTTP surface of records: the `/v1` JSON API the gateway calls with the caller's token,
//! and `/internal/v1` for other services (disclosure packages), with the caller's token too.

mod amendments;
mod break_glass;
mod caller;
mod clients;
mod clinical;
mod disclosure;
mod documents;
mod export;
mod forms;
mod notes;
mod psychotherapy;

use axum::Router;
use tp_ids::{TenantId, UserId};
use uuid::Uuid;

use crate::error::Error;
use crate::state::AppState;

pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .merge(clients::router())
        .merge(notes::router())
        .merge(psychotherapy::router())
        .merge(break_glass::router())
        .merge(clinical::router())
        .merge(amendments::router())
        .merge(export::router())
        .merge(disclosure::router())
        .merge(documents::router())
        .merge(forms::router())
        .with_state(state)
}

/// The practice and client of a path; a malformed id is NOT_FOUND, like an unknown one.
fn ids(tenant: &str, client: &str) -> Result<(TenantId, UserId), Error> {
    let tenant = TenantId::parse(tenant).map_err(|_| Error::NotFound)?;
    Ok((tenant, UserId::parse(client).map_err(|_| Error::NotFound)?))
}

/// [`ids`] and one more id under the client (a note, a document…).
fn note_ids(tenant: &str, client: &str, note: &str) -> Result<(TenantId, UserId, Uuid), Error> {
    let (tenant, client) = ids(tenant, client)?;
    Ok((tenant, client, Uuid::parse_str(note).map_err(|_| Error::NotFound)?))
}
