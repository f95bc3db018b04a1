//! Requirements: the templates a client must sign before a first appointment. Admins set
//! them; every key must exist; at most 20; duplicates collapse; another practice neither
//! reads nor sets them.

use reqwest::{Method, StatusCode};
use serde_json::json;
use tp_consent_api::paths;
use uuid::Uuid;

use crate::harness::{code, spawn};

#[tokio::test]
async fn an_admin_sets_the_requirements_duplicates_collapse_and_members_read_them() {
    // Arrange
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;
    let own = p.practice_template(&a.admin, a.tenant, "other", "Practice policies").await;
    let keys = json!({ "before_first_appointment": [
        "informed-consent", own.to_uppercase(), "telehealth", "informed-consent", own
    ] });

    // Act
    let (status, set) = p.call(&a.admin, Method::PUT, &paths::requirements(a.tenant), Some(keys)).await;

    // Assert
    assert_eq!(status, StatusCode::OK, "{set}");
    let expected = json!({ "before_first_appointment": ["informed-consent", own, "telehealth"] });
    assert_eq!(set, expected);
    for who in [&a.admin, &a.clinician, &a.staff, &a.client] {
        let (status, read) = p.call(who, Method::GET, &paths::requirements(a.tenant), None).await;
        assert_eq!((status, &read), (StatusCode::OK, &expected));
    }
    let (status, _) = p.call(&b.admin, Method::GET, &paths::requirements(a.tenant), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another practice's admin");
    let (_, theirs) = p.call(&b.admin, Method::GET, &paths::requirements(b.tenant), None).await;
    assert_eq!(theirs, json!({ "before_first_appointment": [] }), "nothing leaks into theirs");
    let events = p.details(a.tenant, "consent.requirements.set").await;
    assert_eq!(events, [json!({ "count": "3" })]);
}

#[tokio::test]
async fn unknown_keys_more_than_twenty_and_callers_other_than_admins_are_refused() {
    // Arrange
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;
    let theirs = p.practice_template(&b.admin, b.tenant, "other", "Their policy").await;
    let put = |keys: serde_json::Value| Some(json!({ "before_first_appointment": keys }));
    let many: Vec<String> = (0..21).map(|_| "telehealth".to_owned()).collect();
    let (status, body) = p.call(&a.admin, Method::PUT, &paths::requirements(a.tenant), put(json!(many))).await;
    assert_eq!(status, StatusCode::OK, "21 keys collapsing to one are one key: {body}");

    // Act / Assert: each refused, and the requirement set stays as it was.
    let twenty_one: Vec<String> = (0..21).map(|_| Uuid::now_v7().to_string()).collect();
    let refused = [
        json!(["telehealth", "no-such-template"]),
        json!([Uuid::now_v7().to_string()]),
        json!([theirs]),
        json!(twenty_one),
        json!("telehealth"),
    ];
    for keys in refused {
        let (status, body) = p.call(&a.admin, Method::PUT, &paths::requirements(a.tenant), put(keys.clone())).await;
        assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "CONSENT_INVALID_INPUT"), "{keys}: {body}");
    }
    for who in [&a.clinician, &a.staff, &a.client] {
        let (status, _) = p.call(who, Method::PUT, &paths::requirements(a.tenant), put(json!([]))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    let (status, _) = p.call(&b.admin, Method::PUT, &paths::requirements(a.tenant), put(json!([]))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, read) = p.call(&a.admin, Method::GET, &paths::requirements(a.tenant), None).await;
    assert_eq!(read, json!({ "before_first_appointment": ["telehealth"] }));
}
