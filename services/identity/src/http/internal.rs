//! The internal API other services call with the caller's token forwarded (no trust between
//! hops): `GET /internal/v1/care-team/check?clinician_id=…&client_id=…` answers whether the
//! clinician is on the client's care team *in the caller's own tenant*, to clinicians,
//! practice admins, API clients with `identity:read`, and people asking about themselves;
//! `POST /internal/v1/notifications/break-glass` emails the practice admins about an
//! emergency opening of a chart (the opening clinician's token);
//! `POST /internal/v1/notifications/records-link` emails an outside provider the link to
//! records a client approved for them (the client's token, forwarded by consent).

use axum::extract::rejection::JsonRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use tp_auth::{Actor, Principal, Role};
use tp_identity_api::internal::{BreakGlassNotice, Notified, RecordsLinkNotice};
use tp_identity_api::paths;
use tp_ids::UserId;

use super::caller::ApiCaller;
use crate::admin::{care_teams, notifications};
use crate::error::Error;
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/internal/v1/care-team/check", get(check))
        .route(paths::BREAK_GLASS_NOTIFICATION, post(break_glass))
        .route(paths::RECORDS_LINK_NOTIFICATION, post(records_link))
}

#[derive(Deserialize)]
struct CheckQuery {
    clinician_id: UserId,
    client_id: UserId,
}

async fn check(
    State(state): State<AppState>,
    principal: Principal,
    Query(query): Query<CheckQuery>,
) -> Result<Json<serde_json::Value>, Error> {
    // Operators have no tenant and never see care relationships. Within the practice, who is
    // on a clinician's care team is itself PHI: only clinicians and practice admins may ask
    // about anyone, everybody else only about themselves (a client asking "is this my
    // clinician?"); an API client needs `identity:read`.
    let tenant = principal.tenant().map_err(|_| Error::Forbidden)?;
    let about_self =
        matches!(principal.actor(), Actor::User(me) if *me == query.clinician_id || *me == query.client_id);
    let trusted = principal.has_role(Role::Clinician) || principal.has_role(Role::PracticeAdmin);
    let service = principal.has_role(Role::ApiClient) && principal.has_scope("identity:read");
    if !(about_self || trusted || service) {
        return Err(Error::Forbidden);
    }
    let assigned = care_teams::check(&state, tenant, query.clinician_id, query.client_id).await?;
    Ok(Json(serde_json::json!({ "assigned": assigned })))
}

async fn break_glass(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    body: Result<Json<BreakGlassNotice>, JsonRejection>,
) -> Result<(StatusCode, Json<Notified>), Error> {
    // The grant id is records' business; identity only needs a well-formed notice.
    let _notice = body.map_err(|_| Error::Invalid { field: "body", reason: "not a break-glass notice".to_owned() })?;
    let tenant = caller.principal().tenant().map_err(|_| Error::Forbidden)?;
    let notified = notifications::break_glass(&state, &caller, tenant).await?;
    Ok((StatusCode::ACCEPTED, Json(Notified { notified })))
}

async fn records_link(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    body: Result<Json<RecordsLinkNotice>, JsonRejection>,
) -> Result<(StatusCode, Json<Notified>), Error> {
    let Json(notice) =
        body.map_err(|_| Error::Invalid { field: "body", reason: "not a records-link notice".to_owned() })?;
    let tenant = caller.principal().tenant().map_err(|_| Error::Forbidden)?;
    notifications::records_link_notice(&state, &caller, tenant, &notice).await?;
    Ok((StatusCode::ACCEPTED, Json(Notified { notified: 1 })))
}
