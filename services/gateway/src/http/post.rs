//! `POST /graphql`: JSON only, size-limited before parsing, batches limited, the whole
//! request under one time budget. Answers 200 with `data`/`errors` once executed; refusals
//! before execution get their own HTTP status and a GraphQL-shaped body.

use std::time::Duration;

use async_graphql::{BatchRequest, BatchResponse};
use axum::Json;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use tp_auth::bearer_token;
use tp_errors::ErrorKind;

use crate::config::Limits;
use crate::graphql::context::RequestCtx;
use crate::graphql::error::{GqlError, classify};
use crate::graphql::request_data;
use crate::http::admission::origin;
use crate::http::reply::{refuse, refuse_with};
use crate::state::AppState;

pub async fn post_graphql(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let limits = &state.settings.limits;
    let batch = match read_batch(&parts.headers, body, limits).await {
        Ok(batch) => batch,
        Err(refusal) => return refusal,
    };
    let token = match parts.headers.contains_key(AUTHORIZATION) {
        false => None,
        true => match bearer_token(&parts.headers) {
            Ok(token) => Some(token),
            Err(_) => return refuse(GqlError::new(ErrorKind::Unauthenticated, "use `Authorization: Bearer <token>`")),
        },
    };
    let cx = match state.gate.admit(origin(&state, &parts, false), token).await {
        Ok(cx) => cx,
        Err(err) => return refuse(err),
    };
    let batch = match batch {
        BatchRequest::Single(one) => BatchRequest::Single(with_data(one, &cx, &state)),
        BatchRequest::Batch(many) => BatchRequest::Batch(many.into_iter().map(|r| with_data(r, &cx, &state)).collect()),
    };
    match tokio::time::timeout(Duration::from_millis(limits.timeout_ms), state.schema.execute_batch(batch)).await {
        Ok(response) => Json(classified(response)).into_response(),
        Err(_) => {
            let err = GqlError::new(ErrorKind::Unavailable, "the request took too long; try a smaller query");
            refuse_with(StatusCode::SERVICE_UNAVAILABLE, err)
        }
    }
}

/// The body as a GraphQL request or batch, or the refusal to send: wrong content type
/// (415), too large (413, read no further than the limit), not a request, a batch too big.
async fn read_batch(headers: &HeaderMap, body: Body, limits: &Limits) -> Result<BatchRequest, Response> {
    let is_json = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        let err = GqlError::bad_input("send the request as application/json");
        return Err(refuse_with(StatusCode::UNSUPPORTED_MEDIA_TYPE, err));
    }
    let Ok(bytes) = axum::body::to_bytes(body, limits.max_body_bytes).await else {
        let err = GqlError::bad_input(format!("the request body exceeds {} bytes", limits.max_body_bytes));
        return Err(refuse_with(StatusCode::PAYLOAD_TOO_LARGE, err));
    };
    let Ok(batch) = serde_json::from_slice::<BatchRequest>(&bytes) else {
        return Err(refuse(GqlError::bad_input("the body is not a GraphQL request in JSON")));
    };
    if let BatchRequest::Batch(list) = &batch
        && (list.is_empty() || list.len() > limits.max_batch)
    {
        return Err(refuse(GqlError::bad_input(format!("a batch holds 1 to {} operations", limits.max_batch))));
    }
    Ok(batch)
}

fn with_data(mut request: async_graphql::Request, cx: &RequestCtx, state: &AppState) -> async_graphql::Request {
    request.data = request_data(cx.clone(), state.identity.clone());
    request
}

fn classified(response: BatchResponse) -> BatchResponse {
    match response {
        BatchResponse::Single(mut one) => {
            classify(&mut one);
            BatchResponse::Single(one)
        }
        BatchResponse::Batch(mut many) => {
            many.iter_mut().for_each(classify);
            BatchResponse::Batch(many)
        }
    }
}
