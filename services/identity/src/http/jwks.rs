//! `GET /oauth2/jwks`: the public keys verifiers check token signatures against, every
//! version that may still have live tokens (see `signing`).

use axum::extract::State;
use axum::http::header::CACHE_CONTROL;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/oauth2/jwks", get(jwks))
}

async fn jwks(State(state): State<AppState>) -> Response {
    match state.signer.jwks().await {
        // Short caching: verifiers refetch on an unknown kid anyway, and a new key must
        // reach them within the time its predecessor stays published.
        Ok(jwks) => ([(CACHE_CONTROL, "public, max-age=60")], Json(jwks)).into_response(),
        Err(err) => err.into_response(),
    }
}
