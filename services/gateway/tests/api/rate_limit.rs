//! The rate limits: per principal and per client address, fixed one-minute windows counted
//! in the shared Redis. Answers past a limit are 429 RATE_LIMITED with when to retry.
//!
//! Per-address tests never count against 127.0.0.1, which every test of the run shares:
//! they trust `X-Forwarded-For` and send an address of their own.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::RETRY_AFTER;
use serde_json::{Value, json};

use crate::harness::{Person, Platform, codes, spawn_with};

/// `{ me { id kind } }` as `token`, from `forwarded_for` when given: status, Retry-After, body.
async fn me(platform: &Platform, token: &str, forwarded_for: Option<&str>) -> (StatusCode, Option<u64>, Value) {
    let mut request = platform
        .http
        .post(format!("{}/graphql", platform.gateway().address))
        .bearer_auth(token)
        .json(&json!({ "query": "{ me { id kind } }" }));
    if let Some(address) = forwarded_for {
        request = request.header("x-forwarded-for", format!("203.0.113.7, {address}"));
    }
    let response = request.send().await.unwrap_or_else(|e| panic!("gateway answers: {e}"));
    let status = response.status();
    let retry_after = response.headers().get(RETRY_AFTER).and_then(|v| v.to_str().ok()?.parse().ok());
    (status, retry_after, response.json().await.unwrap_or(Value::Null))
}

fn assert_served(person: &Person, (status, _, body): &(StatusCode, Option<u64>, Value)) {
    assert_eq!(*status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["me"]["id"], person.user.to_string(), "{body}");
}

/// 429 RATE_LIMITED, no data, and the same 1..=60 s wait in the header and the body.
fn assert_limited((status, retry_after, body): &(StatusCode, Option<u64>, Value)) {
    assert_eq!(*status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(codes(body), ["RATE_LIMITED"], "{body}");
    assert!(body["data"].is_null(), "{body}");
    let in_body = body["errors"][0]["extensions"]["retryAfter"].as_u64();
    assert!(in_body.is_some_and(|secs| (1..=60).contains(&secs)), "retryAfter: {body}");
    assert_eq!(*retry_after, in_body, "the Retry-After header says the same as the body");
}

/// Waits for the next minute window when the current one ends within 10 s, so a test's
/// requests are all counted in one window.
async fn in_one_window() {
    let second = tp_testkit::tokens::unix_now().rem_euclid(60);
    if second >= 50 {
        tokio::time::sleep(Duration::from_secs((60 - second).unsigned_abs() + 1)).await;
    }
}

/// An address no other test uses, in 10.0.0.0/8.
fn unique_address() -> String {
    let [a, b, c, ..] = uuid::Uuid::new_v4().into_bytes();
    format!("10.{a}.{b}.{c}")
}

#[tokio::test]
async fn a_principals_fourth_request_in_a_minute_gets_429_while_another_is_served() {
    // Arrange
    let platform = spawn_with(|f| f.merge(("gateway.rate_limit.per_principal_per_minute", 3))).await;
    let tenant = platform.tenant().await;
    let busy = platform.person(tenant, &["clinician"]).await;
    let colleague = platform.person(tenant, &["clinician"]).await;
    let (_, machine) = platform.api_client(tenant, &["identity:read"]).await;
    in_one_window().await;
    for _ in 0..3 {
        assert_served(&busy, &me(&platform, &busy.token, None).await);
    }

    // Act
    let fourth = me(&platform, &busy.token, None).await;
    let colleagues = me(&platform, &colleague.token, None).await;
    let machines = me(&platform, &machine, None).await;

    // Assert
    assert_limited(&fourth);
    assert_served(&colleague, &colleagues);
    assert_eq!(machines.0, StatusCode::OK, "an API client is a principal of its own: {}", machines.2);
    assert_eq!(machines.2["data"]["me"]["kind"], "API_CLIENT", "{}", machines.2);
}

#[tokio::test]
async fn an_addresss_fourth_request_in_a_minute_gets_429_while_another_address_is_served() {
    // Arrange: one person, two addresses: the count is per address, not per person.
    let platform = spawn_with(|f| {
        f.merge(("gateway.trust_forwarded_for", true)).merge(("gateway.rate_limit.per_ip_per_minute", 3))
    })
    .await;
    let tenant = platform.tenant().await;
    let person = platform.person(tenant, &["clinician"]).await;
    let (busy, quiet) = (unique_address(), unique_address());
    in_one_window().await;
    for _ in 0..3 {
        assert_served(&person, &me(&platform, &person.token, Some(&busy)).await);
    }

    // Act
    let fourth = me(&platform, &person.token, Some(&busy)).await;
    let elsewhere = me(&platform, &person.token, Some(&quiet)).await;

    // Assert
    assert_limited(&fourth);
    assert_served(&person, &elsewhere);
}

#[tokio::test]
async fn refused_tokens_count_against_the_address_so_guessing_is_limited_too() {
    // Arrange
    let platform = spawn_with(|f| {
        f.merge(("gateway.trust_forwarded_for", true)).merge(("gateway.rate_limit.per_ip_per_minute", 3))
    })
    .await;
    let tenant = platform.tenant().await;
    let person = platform.person(tenant, &["clinician"]).await;
    let address = unique_address();
    in_one_window().await;
    for guess in 0..3 {
        let (status, _, body) = me(&platform, &format!("guess.{guess}.x"), Some(&address)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "guess {guess}: {body}");
    }

    // Act: a good token from the same address.
    let answer = me(&platform, &person.token, Some(&address)).await;

    // Assert
    assert_limited(&answer);
}

#[tokio::test]
async fn the_shared_records_page_counts_against_the_address_like_the_api() {
    // Arrange: an outside provider's page, three posts from one address in a minute.
    let platform = spawn_with(|f| {
        f.merge(("gateway.trust_forwarded_for", true)).merge(("gateway.rate_limit.per_ip_per_minute", 3))
    })
    .await;
    let tenant = platform.tenant().await;
    let page = format!("{}/shared-records/{tenant}/{}", platform.gateway().address, uuid::Uuid::now_v7());
    let (busy, quiet) = (unique_address(), unique_address());
    let post = |from: String| {
        platform
            .http
            .post(&page)
            .header("x-forwarded-for", from)
            .form(&[("token", "t".repeat(43)), ("code", "12345678".to_owned())])
            .send()
    };
    in_one_window().await;
    for _ in 0..3 {
        assert_eq!(post(busy.clone()).await.unwrap().status(), StatusCode::NOT_FOUND);
    }

    // Act
    let fourth = post(busy).await.unwrap();
    let elsewhere = post(quiet).await.unwrap();

    // Assert: a page, not JSON, with when to retry; another address is still answered.
    assert_eq!(fourth.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(fourth.headers().get(RETRY_AFTER).is_some());
    assert!(fourth.text().await.unwrap().contains("Too many attempts"));
    assert_eq!(elsewhere.status(), StatusCode::NOT_FOUND);
}
