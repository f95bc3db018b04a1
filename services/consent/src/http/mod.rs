//! HTTP surface of consent: the `/v1` JSON API the gateway calls with the caller's token,
//! and `/internal/v1` for other services (readiness, decisions), and one public route without
//! a bearer token: `/v1/shared-records/…`, an outside provider's download with a link's token
//! and one-time code (reached only through the gateway's page). Paths are `tp_consent_api::paths`.

mod body;
mod caller;
mod disclosure;
mod documents;
mod readiness;
mod shared_records;
mod templates;
mod transfers;

use axum::Router;
use tp_ids::{TenantId, UserId};

use crate::error::Error;
use crate::state::AppState;

pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .merge(templates::router())
        .merge(documents::router())
        .merge(readiness::router())
        .merge(disclosure::router())
        .merge(transfers::router())
        .merge(shared_records::router())
        .with_state(state)
}

/// The practice of a path; a malformed id is NOT_FOUND, like an unknown one.
fn tenant_id(tenant: &str) -> Result<TenantId, Error> {
    TenantId::parse(tenant).map_err(|_| Error::NotFound)
}

/// The practice and client of a path.
fn ids(tenant: &str, client: &str) -> Result<(TenantId, UserId), Error> {
    Ok((tenant_id(tenant)?, UserId::parse(client).map_err(|_| Error::NotFound)?))
}

/// An id under a path (a template, a signature); malformed is NOT_FOUND.
fn uuid(id: &str) -> Result<uuid::Uuid, Error> {
    uuid::Uuid::parse_str(id).map_err(|_| Error::NotFound)
}
