//! `/v1/tenants/{t}/clients/{c}/{authorizations,restrictions,disclosures}…` and
//! `/internal/v1/tenants/{t}/clients/{c}/decisions`: a client's authorizations and their
//! revocation, restrictions and their review, the decision before a disclosure and the
//! accounting of disclosures. Handlers parse ids and bodies, call one operation and answer.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use tp_consent_api::disclosure::{
    Authorization, AuthorizationInput, AuthorizationList, Decision, DecisionRequest, Disclosure, DisclosureInput,
    DisclosureList, Restriction, RestrictionInput, RestrictionList, RestrictionReview,
};

use super::body::Body;
use super::caller::ApiCaller;
use super::{ids, uuid};
use crate::disclosure::{authorizations, decisions, disclosures, restrictions};
use crate::error::Error;
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/tenants/{tenant}/clients/{client}/authorizations", get(list_authorizations).post(authorize))
        .route("/v1/tenants/{tenant}/clients/{client}/authorizations/{id}/revocation", post(revoke))
        .route("/v1/tenants/{tenant}/clients/{client}/restrictions", get(list_restrictions).post(restrict))
        .route("/v1/tenants/{tenant}/clients/{client}/restrictions/{id}/review", post(review))
        .route("/internal/v1/tenants/{tenant}/clients/{client}/decisions", post(decide))
        .route("/v1/tenants/{tenant}/clients/{client}/disclosures", get(list_disclosures).post(disclose))
}

type Client = Path<(String, String)>;
type ClientItem = Path<(String, String, String)>;

async fn authorize(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client)): Client,
    Body(input): Body<AuthorizationInput>,
) -> Result<(StatusCode, Json<Authorization>), Error> {
    let created = authorizations::create(&state, &caller.caller(), ids(&tenant, &client)?, input).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

async fn list_authorizations(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client)): Client,
) -> Result<Json<AuthorizationList>, Error> {
    Ok(Json(authorizations::list(&state, &caller.caller(), ids(&tenant, &client)?).await?))
}

async fn revoke(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client, id)): ClientItem,
) -> Result<Json<Authorization>, Error> {
    let (ids, id) = (ids(&tenant, &client)?, uuid(&id)?);
    Ok(Json(authorizations::revoke(&state, &caller.caller(), ids, id).await?))
}

async fn restrict(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client)): Client,
    Body(input): Body<RestrictionInput>,
) -> Result<(StatusCode, Json<Restriction>), Error> {
    let requested = restrictions::request(&state, &caller.caller(), ids(&tenant, &client)?, input).await?;
    Ok((StatusCode::CREATED, Json(requested)))
}

async fn list_restrictions(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client)): Client,
) -> Result<Json<RestrictionList>, Error> {
    Ok(Json(restrictions::list(&state, &caller.caller(), ids(&tenant, &client)?).await?))
}

async fn review(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client, id)): ClientItem,
    Body(input): Body<RestrictionReview>,
) -> Result<Json<Restriction>, Error> {
    let (ids, id) = (ids(&tenant, &client)?, uuid(&id)?);
    Ok(Json(restrictions::review(&state, &caller.caller(), ids, id, input).await?))
}

async fn decide(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client)): Client,
    Body(input): Body<DecisionRequest>,
) -> Result<Json<Decision>, Error> {
    Ok(Json(decisions::decide(&state, &caller.caller(), ids(&tenant, &client)?, input).await?))
}

async fn disclose(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client)): Client,
    Body(input): Body<DisclosureInput>,
) -> Result<(StatusCode, Json<Disclosure>), Error> {
    let recorded = disclosures::create(&state, &caller.caller(), ids(&tenant, &client)?, input).await?;
    Ok((StatusCode::CREATED, Json(recorded)))
}

async fn list_disclosures(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client)): Client,
) -> Result<Json<DisclosureList>, Error> {
    Ok(Json(disclosures::list(&state, &caller.caller(), ids(&tenant, &client)?).await?))
}
