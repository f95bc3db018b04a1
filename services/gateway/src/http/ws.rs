//! `GET /graphql`: the graphql-transport-ws WebSocket for subscriptions (and queries), or
//! GraphiQL for a browser in dev.
//!
//! The token comes in the `connection_init` payload (`{"Authorization": "Bearer …"}`), is
//! verified and counted like a POST, and fixes the caller for the connection's lifetime;
//! subscriptions re-check it before every event.

use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::extract::{FromRequestParts, Request, State, WebSocketUpgrade};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::graphql::error::GqlError;
use crate::graphql::request_data;
use crate::http::admission::origin;
use crate::state::AppState;

pub async fn get_graphql(State(state): State<AppState>, request: Request) -> Response {
    let (mut parts, _) = request.into_parts();
    let upgrade = parts.headers.get("upgrade").and_then(|v| v.to_str().ok());
    if !upgrade.is_some_and(|v| v.eq_ignore_ascii_case("websocket")) {
        return if state.graphiql { super::graphiql() } else { StatusCode::METHOD_NOT_ALLOWED.into_response() };
    }
    let protocol = match GraphQLProtocol::from_request_parts(&mut parts, &state).await {
        Ok(protocol) => protocol,
        Err(rejection) => return rejection.into_response(),
    };
    let upgrade = match WebSocketUpgrade::from_request_parts(&mut parts, &state).await {
        Ok(upgrade) => upgrade,
        Err(rejection) => return rejection.into_response(),
    };
    let origin = origin(&state, &parts, true);
    upgrade.protocols(ALL_WEBSOCKET_PROTOCOLS).on_upgrade(move |socket| async move {
        let schema = state.schema.clone();
        GraphQLWebSocket::new(socket, schema, protocol)
            .on_connection_init(move |payload| async move {
                let token = token_from(&payload).ok_or_else(GqlError::unauthenticated)?;
                let cx = state.gate.admit(origin, Some(&token)).await?;
                Ok(request_data(cx, state.identity.clone()))
            })
            .serve()
            .await;
    })
}

/// `{"Authorization": "Bearer <token>"}` (any case of the key), as graphql-ws clients send
/// `connectionParams`.
fn token_from(payload: &serde_json::Value) -> Option<String> {
    let object = payload.as_object()?;
    let value = object.iter().find(|(key, _)| key.eq_ignore_ascii_case("authorization"))?.1.as_str()?;
    let (scheme, token) = value.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty()).then(|| token.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_read_from_an_authorization_entry_with_the_bearer_scheme() {
        let token = |v: serde_json::Value| token_from(&v);
        assert_eq!(token(serde_json::json!({"Authorization": "Bearer abc"})), Some("abc".to_owned()));
        assert_eq!(token(serde_json::json!({"authorization": "bearer abc"})), Some("abc".to_owned()));
        assert_eq!(token(serde_json::json!({"Authorization": "Basic abc"})), None);
        assert_eq!(token(serde_json::json!({"token": "abc"})), None);
        assert_eq!(token(serde_json::json!(null)), None);
    }
}
