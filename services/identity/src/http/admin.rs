//! The admin JSON API under `/v1/tenants`: tenants (operators), session policy, members
//! and care teams (practice admins). Each handler parses, calls one `admin` function, maps.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use tp_ids::{TenantId, UserId};

use crate::admin::care_teams::{self, Change};
use crate::admin::{members, tenants};
use crate::db::memberships::Member;
use crate::db::tenants::Tenant;
use crate::domain::tenant::SessionPolicy;
use crate::error::Error;
use crate::http::body::Body;
use crate::http::caller::AdminCaller;
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

#[derive(Serialize)]
pub(crate) struct TenantView {
    id: TenantId,
    slug: String,
    name: String,
    status: &'static str,
    policy: PolicyView,
    created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct PolicyView {
    mfa_required_roles: Vec<String>,
    idle_timeout_secs: u32,
    absolute_timeout_secs: u32,
}

impl From<Tenant> for TenantView {
    fn from(t: Tenant) -> Self {
        Self {
            id: t.id,
            slug: t.slug,
            name: t.name,
            status: t.status.as_str(),
            policy: PolicyView {
                mfa_required_roles: t.policy.mfa_required_roles.iter().map(|r| r.as_str().to_owned()).collect(),
                idle_timeout_secs: t.policy.idle_timeout_secs,
                absolute_timeout_secs: t.policy.absolute_timeout_secs,
            },
            created_at: t.created_at,
        }
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
    AdminCaller(caller): AdminCaller,
    Body(body): Body<NewTenant>,
) -> Result<(StatusCode, Json<TenantView>), Error> {
    let tenant = tenants::create(&state, &caller, &body.slug, &body.name).await?;
    Ok((StatusCode::CREATED, Json(tenant.into())))
}

async fn list_tenants(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
) -> Result<Json<serde_json::Value>, Error> {
    let list: Vec<TenantView> = tenants::list(&state, &caller).await?.into_iter().map(Into::into).collect();
    Ok(Json(serde_json::json!({ "tenants": list })))
}

async fn get_tenant(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Path(tenant): Path<String>,
) -> Result<Json<TenantView>, Error> {
    Ok(Json(tenants::get(&state, &caller, tenant_id(&tenant)?).await?.into()))
}

async fn suspend_tenant(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Path(tenant): Path<String>,
) -> Result<Json<TenantView>, Error> {
    Ok(Json(tenants::suspend(&state, &caller, tenant_id(&tenant)?).await?.into()))
}

async fn reactivate_tenant(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Path(tenant): Path<String>,
) -> Result<Json<TenantView>, Error> {
    Ok(Json(tenants::reactivate(&state, &caller, tenant_id(&tenant)?).await?.into()))
}

#[derive(Deserialize)]
struct Offboard {
    confirm: String,
}

async fn offboard_tenant(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Path(tenant): Path<String>,
    Body(body): Body<Offboard>,
) -> Result<Json<TenantView>, Error> {
    Ok(Json(tenants::offboard(&state, &caller, tenant_id(&tenant)?, &body.confirm).await?.into()))
}

async fn set_policy(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Path(tenant): Path<String>,
    Body(body): Body<PolicyView>,
) -> Result<Json<TenantView>, Error> {
    let policy = SessionPolicy::parse(&body.mfa_required_roles, body.idle_timeout_secs, body.absolute_timeout_secs)?;
    Ok(Json(tenants::set_policy(&state, &caller, tenant_id(&tenant)?, policy).await?.into()))
}

#[derive(Serialize)]
struct MemberView {
    user_id: UserId,
    email: String,
    display_name: Option<String>,
    roles: Vec<String>,
    status: String,
}

impl From<Member> for MemberView {
    fn from(m: Member) -> Self {
        let roles = m.roles.iter().map(|r| r.as_str().to_owned()).collect();
        Self { user_id: m.user, email: m.email, display_name: m.display_name, roles, status: m.status }
    }
}

async fn list_members(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Path(tenant): Path<String>,
) -> Result<Json<serde_json::Value>, Error> {
    let list: Vec<MemberView> =
        members::list(&state, &caller, tenant_id(&tenant)?).await?.into_iter().map(Into::into).collect();
    Ok(Json(serde_json::json!({ "members": list })))
}

#[derive(Deserialize)]
struct Invite {
    email: String,
    roles: Vec<String>,
}

/// 202: the invitation is on its way; the link itself is only in the email. The answer is
/// the same whatever the address: no user id and no "new account" flag, either of which
/// would tell the practice whether the address already has an account on the platform (an
/// existing account keeps its id across practices). The invited person shows in the
/// member list, as invited.
async fn invite(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Path(tenant): Path<String>,
    Body(body): Body<Invite>,
) -> Result<(StatusCode, Json<serde_json::Value>), Error> {
    members::invite(&state, &caller, tenant_id(&tenant)?, &body.email, &body.roles).await?;
    Ok((StatusCode::ACCEPTED, Json(serde_json::json!({ "status": "invited" }))))
}

#[derive(Deserialize)]
struct Roles {
    roles: Vec<String>,
}

async fn set_roles(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Path((tenant, user)): Path<(String, String)>,
    Body(body): Body<Roles>,
) -> Result<Json<MemberView>, Error> {
    let member = members::set_roles(&state, &caller, tenant_id(&tenant)?, user_id(&user)?, &body.roles).await?;
    Ok(Json(member.into()))
}

async fn remove_member(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Path((tenant, user)): Path<(String, String)>,
) -> Result<StatusCode, Error> {
    members::remove(&state, &caller, tenant_id(&tenant)?, user_id(&user)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, Serialize)]
struct Assignment {
    clinician_id: UserId,
    client_id: UserId,
}

#[derive(Deserialize)]
struct CareTeamFilter {
    clinician_id: Option<UserId>,
    client_id: Option<UserId>,
}

async fn list_care_team(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Path(tenant): Path<String>,
    Query(filter): Query<CareTeamFilter>,
) -> Result<Json<serde_json::Value>, Error> {
    let pairs = care_teams::list(&state, &caller, tenant_id(&tenant)?, filter.clinician_id, filter.client_id).await?;
    let list: Vec<Assignment> =
        pairs.into_iter().map(|(clinician_id, client_id)| Assignment { clinician_id, client_id }).collect();
    Ok(Json(serde_json::json!({ "assignments": list })))
}

async fn assign(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Path(tenant): Path<String>,
    Body(body): Body<Assignment>,
) -> Result<StatusCode, Error> {
    care_teams::change(&state, &caller, tenant_id(&tenant)?, Change::Assign, (body.clinician_id, body.client_id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn unassign(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Path(tenant): Path<String>,
    Body(body): Body<Assignment>,
) -> Result<StatusCode, Error> {
    care_teams::change(&state, &caller, tenant_id(&tenant)?, Change::Unassign, (body.clinician_id, body.client_id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
