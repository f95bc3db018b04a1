//! `POST /graphql`: JSON only, size-limited before parsing, batches limited, the whole
//! request under one time budget. Answers 200 with `data`/`errors` once executed; refusals
//! before execution get their own HTTP status and a GraphQL-shaped body.

use std::time::Duration;

use axum::Json;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use tp_auth::bearer_token;
use tp_errors::ErrorKind;

use crate::graphql::context::RequestCtx;
use crate::graphql::error::{GqlError, classify};
use crate::graphql::request_data;
use crate::http::admission::origin;
use crate::http::reply::{refuse, refuse_with};
use crate::state::AppState;

pub async fn post_graphql(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let limits = &state.settings.limits;
    let is_json = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json")));
    if !is_json {
        let err = GqlError::bad_input("send the request as application/json");
        return refuse_with(StatusCode::UNSUPPORTED_MEDIA_TYPE, err);
    }
    let bytes = match axum::body::to_bytes(Body::new(body), limits.max_body_bytes).await {
        Ok(bytes) => bytes,
        Err(_) => {
            let err = GqlError::bad_input(format!("the request body exceeds {} bytes", limits.max_body_bytes));
            return refuse_with(StatusCode::PAYLOAD_TOO_LARGE, err);
        }
    };
    let batch: async_graphql::BatchRequest = match serde_json::from_slice(&bytes) {
        Ok(batch) => batch,
        Err(_) => return refuse(GqlError::bad_input("the body is not a GraphQL request in JSON")),
    };
    if let async_graphql::BatchRequest::Batch(list) = &batch
        && (list.is_empty() || list.len() > limits.max_batch)
    {
        return refuse(GqlError::bad_input(format!("a batch holds 1 to {} operations", limits.max_batch)));
    }
    let token = match parts.headers.contains_key(axum::http::header::AUTHORIZATION) {
        true => match bearer_token(&parts.headers) {
            Ok(token) => Some(token),
            Err(_) => return refuse(GqlError::new(ErrorKind::Unauthenticated, "use `Authorization: Bearer <token>`")),
        },
        false => None,
    };
    let cx = match state.gate.admit(origin(&state, &parts, false), token).await {
        Ok(cx) => cx,
        Err(err) => return refuse(err),
    };
    let batch = match batch {
        async_graphql::BatchRequest::Single(one) => async_graphql::BatchRequest::Single(with_data(one, &cx, &state)),
        async_graphql::BatchRequest::Batch(many) => {
            async_graphql::BatchRequest::Batch(many.into_iter().map(|one| with_data(one, &cx, &state)).collect())
        }
    };
    let timeout = Duration::from_millis(limits.timeout_ms);
    match tokio::time::timeout(timeout, state.schema.execute_batch(batch)).await {
        Ok(response) => Json(classified(response)).into_response(),
        Err(_) => {
            let err = GqlError::new(ErrorKind::Unavailable, "the request took too long; try a smaller query");
            refuse_with(StatusCode::SERVICE_UNAVAILABLE, err)
        }
    }
}

fn with_data(mut request: async_graphql::Request, cx: &RequestCtx, state: &AppState) -> async_graphql::Request {
    request.data = request_data(cx.clone(), state.identity.clone());
    request
}

fn classified(response: async_graphql::BatchResponse) -> async_graphql::BatchResponse {
    match response {
        async_graphql::BatchResponse::Single(mut one) => {
            classify(&mut one);
            async_graphql::BatchResponse::Single(one)
        }
        async_graphql::BatchResponse::Batch(mut many) => {
            many.iter_mut().for_each(classify);
            async_graphql::BatchResponse::Batch(many)
        }
    }
}
