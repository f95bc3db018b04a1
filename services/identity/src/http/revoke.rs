//! `POST /oauth2/revoke` (RFC 7009): 200 for every authenticated request, whether or not
//! the token was known, so the endpoint cannot be used to probe tokens.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::post;

use super::oauth_error::NO_STORE;
use super::token::{authorization, form};
use crate::oauth::grant;
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/oauth2/revoke", post(revoke))
}

async fn revoke(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let result = async {
        let params = form(&headers, &body)?;
        grant::revoke(&state, authorization(&headers), &params).await
    }
    .await;
    match result {
        Ok(()) => NO_STORE.into_response(),
        Err(err) => err.into_response(),
    }
}
