//! Calls from the gateway to the services: batched through the DataLoader, carrying the
//! caller's token and the W3C trace context, and failing one field at a time.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::harness::{codes, spawn_with};

/// What the recording proxy saw of one request.
#[derive(Clone, Debug)]
struct Seen {
    path_and_query: String,
    headers: HeaderMap,
}

#[derive(Clone)]
struct Proxy {
    target: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    http: reqwest::Client,
}

/// A proxy in front of identity that records every request; returns its address.
async fn recording_proxy(target: String) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let proxy = Proxy { target, seen: seen.clone(), http: reqwest::Client::new() };
    let app = Router::new().fallback(forward).with_state(proxy);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (address, seen)
}

async fn forward(State(proxy): State<Proxy>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let path_and_query = parts.uri.path_and_query().map(ToString::to_string).unwrap_or_default();
    proxy.seen.lock().unwrap().push(Seen { path_and_query: path_and_query.clone(), headers: parts.headers.clone() });
    let body: Bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap();
    let mut upstream = proxy.http.request(parts.method, format!("{}{path_and_query}", proxy.target)).body(body);
    for name in ["authorization", "content-type"] {
        if let Some(value) = parts.headers.get(name) {
            upstream = upstream.header(name, value);
        }
    }
    let answer = upstream.send().await.unwrap();
    let status = StatusCode::from_u16(answer.status().as_u16()).unwrap();
    (status, answer.bytes().await.unwrap()).into_response()
}

#[tokio::test]
async fn users_of_a_whole_care_team_list_are_loaded_in_one_identity_call() {
    // Arrange: three assignments, six people to resolve (five distinct).
    let platform = spawn_with(|f| f).await;
    let (proxy, seen) = recording_proxy(platform.identity.address.clone()).await;
    let gateway = platform.gateway_with(|f| f.merge(("gateway.identity_url", proxy))).await;
    let tenant = platform.tenant().await;
    let admin = platform.person(tenant, &["practice_admin"]).await;
    let (c1, c2) = (platform.person(tenant, &["clinician"]).await, platform.person(tenant, &["clinician"]).await);
    let clients = [
        platform.person(tenant, &["client"]).await,
        platform.person(tenant, &["client"]).await,
        platform.person(tenant, &["client"]).await,
    ];
    for (clinician, client) in [(&c1, &clients[0]), (&c1, &clients[1]), (&c2, &clients[2])] {
        platform.assign(tenant, clinician.user, client.user).await;
    }
    seen.lock().unwrap().clear();

    // Act
    let query = "{ careTeam { clinician { id displayName } client { id displayName } } }";
    let (_, body) =
        crate::harness::gql_at(&platform.http, &gateway.address, Some(&admin.token), query, json!({})).await;

    // Assert: one list call, one directory call holding all five people.
    assert!(body["errors"].is_null(), "{body}");
    assert_eq!(body["data"]["careTeam"].as_array().map(Vec::len), Some(3), "{body}");
    assert!(body["data"]["careTeam"].as_array().unwrap().iter().all(|a| a["client"]["displayName"] == "Test Person"));
    let calls: Vec<String> = seen.lock().unwrap().iter().map(|s| s.path_and_query.clone()).collect();
    let directory: Vec<&String> = calls.iter().filter(|p| p.contains("/users?")).collect();
    assert_eq!(directory.len(), 1, "one batched directory call: {calls:?}");
    assert_eq!(calls.len(), 2, "the list and the directory: {calls:?}");
    for person in [&c1, &c2, &clients[0], &clients[1], &clients[2]] {
        assert!(directory[0].contains(&person.user.to_string()), "{person:?} in {directory:?}");
    }
}

#[tokio::test]
async fn the_callers_token_the_request_id_and_the_trace_context_reach_the_service() {
    // Arrange
    let platform = spawn_with(|f| f).await;
    let (proxy, seen) = recording_proxy(platform.identity.address.clone()).await;
    let gateway = platform.gateway_with(|f| f.merge(("gateway.identity_url", proxy))).await;
    let tenant = platform.tenant().await;
    let admin = platform.person(tenant, &["practice_admin"]).await;
    let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    // Act
    let response = platform
        .http
        .post(format!("{}/graphql", gateway.address))
        .bearer_auth(&admin.token)
        .header("traceparent", traceparent)
        .header("x-request-id", "req-test-123")
        .json(&json!({ "query": "{ tenant { id } }" }))
        .send()
        .await
        .unwrap();

    // Assert
    assert_eq!(response.status(), StatusCode::OK);
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "{seen:?}");
    let headers = &seen[0].headers;
    assert_eq!(headers["authorization"], format!("Bearer {}", admin.token).as_str(), "the caller's own token");
    assert_eq!(headers["traceparent"], traceparent);
    assert_eq!(headers["x-request-id"], "req-test-123");
}

#[tokio::test]
async fn a_dead_service_makes_only_its_own_fields_unavailable() {
    // Arrange: identity's API address accepts connections and never answers (token
    // verification still reaches the real identity's JWKS through the issuer).
    let black_hole = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead = format!("http://{}", black_hole.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = black_hole.accept().await {
            held.push(socket);
        }
    });
    let platform =
        spawn_with(move |f| f.merge(("gateway.identity_url", dead)).merge(("gateway.downstream_timeout_ms", 300)))
            .await;
    let tenant = platform.tenant().await;
    let admin = platform.person(tenant, &["practice_admin"]).await;

    // Act
    let (status, body) = platform.gql(Some(&admin.token), "{ me { id } tenant { id } }", json!({})).await;

    // Assert: `me` comes from the token; `tenant` needs identity and is UNAVAILABLE alone.
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["me"]["id"], admin.user.to_string(), "{body}");
    assert_eq!(codes(&body), ["UNAVAILABLE"], "{body}");
    assert_eq!(body["errors"][0]["path"], json!(["tenant"]));
    assert!(body["errors"][0]["extensions"]["errorId"].is_string(), "a correlation id: {body}");
    assert!(!body.to_string().contains("127.0.0.1"), "no internals in the error: {body}");
}
