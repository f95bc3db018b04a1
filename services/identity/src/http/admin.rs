//! The admin JSON API under `/v1/tenants`: tenants (operators), session policy, members
//! and care teams (practice admins). Each handler parses, calls one `admin` function, maps.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use tp_identity_api::admin as api;
use tp_ids::{TenantId, UserId};

use crate::admin::care_teams::{self, Change};
use crate::admin::{members, tenants};
use crate::db::memberships::Member;
use crate::db::tenants::Tenant;
use crate::domain::page::PageRequest;
use crate::domain::tenant::SessionPolicy;
use crate::error::Error;
use crate::http::body::Body;
use crate::http::caller::ApiCaller;
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/tenants", post(create_tenant).get(list_tenants))
        .route("/v1/tenants/{tenant}", get(get_tenant))
        .route("/v1/tenants/{tenant}/suspend", post(suspend_tenant))
        .route("/v1/tenants/{tenant}/reactivate", post(reactivate_tenant))
        .route("/v1/tenants/{tenant}/offboard", post(offboard_tenant))
        .route("/v1/tenants/{tenant}/policy", put(set_policy))
        .route("/v1/tenants/{tenant}/invites", post(invite))
        .route("/v1/tenants/{tenant}/members", get(list_members))
        .route("/v1/tenants/{tenant}/members/{user}", axum::routing::delete(remove_member))
        .route("/v1/tenants/{tenant}/members/{user}/roles", put(set_roles))
        .route("/v1/tenants/{tenant}/care-team", get(list_care_team).post(assign).delete(unassign))
}

/// The wire form of a tenant (`tp_identity_api`, the type the gateway reads).
pub(crate) fn tenant_view(t: Tenant) -> api::Tenant {
    api::Tenant {
        id: t.id,
        slug: t.slug,
        name: t.name,
        status: t.status.as_str().to_owned(),
        policy: api::Policy {
            mfa_required_roles: t.policy.mfa_required_roles.iter().map(|r| r.as_str().to_owned()).collect(),
            idle_timeout_secs: t.policy.idle_timeout_secs,
            absolute_timeout_secs: t.policy.absolute_timeout_secs,
        },
        created_at: t.created_at,
    }
}

/// Path ids are parsed here, once; a malformed id is a 404 like an unknown one.
pub(crate) fn tenant_id(raw: &str) -> Result<TenantId, Error> {
    TenantId::parse(raw).map_err(|_| Error::NotFound)
}

fn user_id(raw: &str) -> Result<UserId, Error> {
    UserId::parse(raw).map_err(|_| Error::NotFound)
}

#[derive(Deserialize)]
struct NewTenant {
    slug: String,
    name: String,
}

async fn create_tenant(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Body(body): Body<NewTenant>,
) -> Result<(StatusCode, Json<api::Tenant>), Error> {
    let tenant = tenants::create(&state, &caller, &body.slug, &body.name).await?;
    Ok((StatusCode::CREATED, Json(tenant_view(tenant))))
}

async fn list_tenants(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> Result<Json<api::Tenants>, Error> {
    let tenants = tenants::list(&state, &caller).await?.into_iter().map(tenant_view).collect();
    Ok(Json(api::Tenants { tenants }))
}

async fn get_tenant(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(tenant): Path<String>,
) -> Result<Json<api::Tenant>, Error> {
    Ok(Json(tenant_view(tenants::get(&state, &caller, tenant_id(&tenant)?).await?)))
}

async fn suspend_tenant(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(tenant): Path<String>,
) -> Result<Json<api::Tenant>, Error> {
    Ok(Json(tenant_view(tenants::suspend(&state, &caller, tenant_id(&tenant)?).await?)))
}

async fn reactivate_tenant(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(tenant): Path<String>,
) -> Result<Json<api::Tenant>, Error> {
    Ok(Json(tenant_view(tenants::reactivate(&state, &caller, tenant_id(&tenant)?).await?)))
}

#[derive(Deserialize)]
struct Offboard {
    confirm: String,
}

async fn offboard_tenant(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(tenant): Path<String>,
    Body(body): Body<Offboard>,
) -> Result<Json<api::Tenant>, Error> {
    Ok(Json(tenant_view(tenants::offboard(&state, &caller, tenant_id(&tenant)?, &body.confirm).await?)))
}

async fn set_policy(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(tenant): Path<String>,
    Body(body): Body<api::Policy>,
) -> Result<Json<api::Tenant>, Error> {
    let policy = SessionPolicy::parse(&body.mfa_required_roles, body.idle_timeout_secs, body.absolute_timeout_secs)?;
    Ok(Json(tenant_view(tenants::set_policy(&state, &caller, tenant_id(&tenant)?, policy).await?)))
}

pub(crate) fn member_view(m: Member) -> api::Member {
    let roles = m.roles.iter().map(|r| r.as_str().to_owned()).collect();
    api::Member { user_id: m.user, email: m.email, display_name: m.display_name, roles, status: m.status }
}

/// Raw strings: their errors are ours (400 `IDENTITY_INVALID_INPUT` naming the field).
#[derive(Deserialize)]
struct MembersQuery {
    first: Option<String>,
    after: Option<String>,
}

async fn list_members(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(tenant): Path<String>,
    Query(query): Query<MembersQuery>,
) -> Result<Json<api::MemberPage>, Error> {
    let page = PageRequest::parse(query.first.as_deref(), query.after.as_deref())?;
    let (list, has_next_page) = members::list(&state, &caller, tenant_id(&tenant)?, page).await?;
    Ok(Json(api::MemberPage { members: list.into_iter().map(member_view).collect(), has_next_page }))
}

/// 202: the invitation is on its way; the link itself is only in the email. The answer is
/// the same whatever the address: no user id and no "new account" flag, either of which
/// would tell the practice whether the address already has an account on the platform (an
/// existing account keeps its id across practices). The invited person shows in the
/// member list, as invited.
async fn invite(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(tenant): Path<String>,
    Body(body): Body<api::Invite>,
) -> Result<(StatusCode, Json<serde_json::Value>), Error> {
    members::invite(&state, &caller, tenant_id(&tenant)?, &body.email, &body.roles).await?;
    Ok((StatusCode::ACCEPTED, Json(serde_json::json!({ "status": "invited" }))))
}

async fn set_roles(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((tenant, user)): Path<(String, String)>,
    Body(body): Body<api::Roles>,
) -> Result<Json<api::Member>, Error> {
    let member = members::set_roles(&state, &caller, tenant_id(&tenant)?, user_id(&user)?, &body.roles).await?;
    Ok(Json(member_view(member)))
}

async fn remove_member(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((tenant, user)): Path<(String, String)>,
) -> Result<StatusCode, Error> {
    members::remove(&state, &caller, tenant_id(&tenant)?, user_id(&user)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct CareTeamFilter {
    clinician_id: Option<UserId>,
    client_id: Option<UserId>,
}

async fn list_care_team(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(tenant): Path<String>,
    Query(filter): Query<CareTeamFilter>,
) -> Result<Json<api::Assignments>, Error> {
    let pairs = care_teams::list(&state, &caller, tenant_id(&tenant)?, filter.clinician_id, filter.client_id).await?;
    let assignments =
        pairs.into_iter().map(|(clinician_id, client_id)| api::Assignment { clinician_id, client_id }).collect();
    Ok(Json(api::Assignments { assignments }))
}

async fn assign(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(tenant): Path<String>,
    Body(body): Body<api::Assignment>,
) -> Result<StatusCode, Error> {
    care_teams::change(&state, &caller, tenant_id(&tenant)?, Change::Assign, (body.clinician_id, body.client_id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn unassign(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(tenant): Path<String>,
    Body(body): Body<api::Assignment>,
) -> Result<StatusCode, Error> {
    care_teams::change(&state, &caller, tenant_id(&tenant)?, Change::Unassign, (body.clinician_id, body.client_id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
