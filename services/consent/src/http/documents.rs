//! `/v1/tenants/{t}/clients/{c}/consent-documents…`: a client's signed documents (read,
//! sign, withdraw). Signing takes the client's IP address and user agent from the
//! `X-Forwarded-For` (last entry) and `User-Agent` headers as the gateway forwards them:
//! evidence as the gateway saw the request, not proof of who typed.

use axum::extract::{FromRequestParts, Path, State};
use axum::http::StatusCode;
use axum::http::header::USER_AGENT;
use axum::http::request::Parts;
use axum::routing::{get, post};
use axum::{Json, Router};
use tp_consent_api::documents::{SignInput, Signature, SignatureList};

use super::body::Body;
use super::caller::ApiCaller;
use super::{ids, uuid};
use crate::documents::signatures;
use crate::domain::evidence::Evidence;
use crate::error::Error;
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/tenants/{tenant}/clients/{client}/consent-documents", get(list).post(sign))
        .route("/v1/tenants/{tenant}/clients/{client}/consent-documents/{signature}", get(one))
        .route("/v1/tenants/{tenant}/clients/{client}/consent-documents/{signature}/withdrawal", post(withdraw))
}

/// The signature's evidence, read from the request's headers.
struct Forwarded(Evidence);

impl<S: Send + Sync> FromRequestParts<S> for Forwarded {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let header = |name| parts.headers.get(name).and_then(|value| value.to_str().ok());
        Ok(Self(Evidence::from_headers(header("x-forwarded-for"), header(USER_AGENT.as_str()))))
    }
}

async fn sign(
    State(state): State<AppState>,
    caller: ApiCaller,
    Forwarded(evidence): Forwarded,
    Path((tenant, client)): Path<(String, String)>,
    Body(input): Body<SignInput>,
) -> Result<(StatusCode, Json<Signature>), Error> {
    let signed = signatures::sign(&state, &caller.caller(), ids(&tenant, &client)?, input, evidence).await?;
    Ok((StatusCode::CREATED, Json(signed)))
}

async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client)): Path<(String, String)>,
) -> Result<Json<SignatureList>, Error> {
    Ok(Json(signatures::list(&state, &caller.caller(), ids(&tenant, &client)?).await?))
}

async fn one(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client, signature)): Path<(String, String, String)>,
) -> Result<Json<Signature>, Error> {
    let (ids, signature) = (ids(&tenant, &client)?, uuid(&signature)?);
    Ok(Json(signatures::one(&state, &caller.caller(), ids, signature).await?))
}

async fn withdraw(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client, signature)): Path<(String, String, String)>,
) -> Result<Json<Signature>, Error> {
    let (ids, signature) = (ids(&tenant, &client)?, uuid(&signature)?);
    Ok(Json(signatures::withdraw(&state, &caller.caller(), ids, signature).await?))
}
