//! The accounting of disclosures: a practice admin records one only when it is permitted
//! now (decided again in the insert's transaction); the client and admins read it, newest
//! first; nobody changes it.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tp_consent_api::paths;

use crate::harness::{code, exec, outside, query, spawn};

const EMAIL: &str = "ada@clinic.example";

fn disclosure(categories: Value) -> Value {
    json!({ "recipient": outside(EMAIL), "categories": categories, "channel": "by post" })
}

#[tokio::test]
async fn an_admin_records_a_permitted_disclosure_and_the_client_reads_the_accounting() {
    // Arrange: two releases to Ada with different purposes.
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;
    let release = p.signed(&a.client, a.tenant, "release-of-information").await;
    let first = p.authorized(&a.client, a.tenant, release, (outside(EMAIL), json!(["demographics"]))).await;
    let body = json!({
        "signature_id": release, "recipient": outside("ADA@clinic.example"), "categories": ["diagnoses"],
        "purpose": "Court report", "expires_at": null, "expires_on": "transfer_completed",
    });
    let (_, second) =
        p.call(&a.client, Method::POST, &paths::authorizations(a.tenant, a.client.user), Some(body)).await;
    let path = paths::disclosures(a.tenant, a.client.user);

    // Act
    let (status, recorded) =
        p.call(&a.admin, Method::POST, &path, Some(disclosure(json!(["diagnoses", "demographics"])))).await;
    let (_, later) = p.call(&a.admin, Method::POST, &path, Some(disclosure(json!(["demographics"])))).await;
    let (_, own) = p.call(&a.client, Method::GET, &path, None).await;

    // Assert
    assert_eq!(status, StatusCode::CREATED, "{recorded}");
    assert_eq!(recorded["categories"], json!(["demographics", "diagnoses"]));
    assert_eq!(recorded["purpose"], json!("Continuity of care; Court report"));
    assert_eq!(recorded["authorization_ids"], json!([first, second["id"]]));
    assert_eq!((&recorded["channel"], &recorded["disclosed_by"]), (&json!("by post"), &json!(a.admin.user)));
    let list = own["disclosures"].as_array().unwrap();
    assert_eq!(list, &[later.clone(), recorded.clone()], "newest first");
    assert_eq!(p.call(&a.admin, Method::GET, &path, None).await.1, own);
    for who in [&a.clinician, &a.staff, &a.other_client] {
        assert_eq!(p.call(who, Method::GET, &path, None).await.0, StatusCode::FORBIDDEN);
    }
    for who in [&a.client, &a.clinician, &a.staff] {
        let (status, _) = p.call(who, Method::POST, &path, Some(disclosure(json!(["demographics"])))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "only admins record");
    }
    assert_eq!(p.call(&b.admin, Method::GET, &path, None).await.0, StatusCode::NOT_FOUND);
    let (_, theirs) = p.call(&b.admin, Method::GET, &paths::disclosures(b.tenant, a.client.user), None).await;
    assert_eq!(theirs, json!({ "disclosures": [] }));
    let (_, other) =
        p.call(&a.other_client, Method::GET, &paths::disclosures(a.tenant, a.other_client.user), None).await;
    assert_eq!(other, json!({ "disclosures": [] }));
    let events: Vec<(String, String)> = p.events(a.tenant).await.into_iter().map(|e| (e.action, e.outcome)).collect();
    let count = |action: &str, outcome: &str| events.iter().filter(|e| e.0 == action && e.1 == outcome).count();
    assert_eq!(count("consent.disclosure.recorded", "success"), 2);
    assert_eq!(count("consent.disclosure.recorded", "denied"), 3, "client, clinician and staff refused");
    assert_eq!(count("consent.disclosure.read", "success"), 3, "client, admin, neighbour (their own)");
}

#[tokio::test]
async fn a_category_not_permitted_now_refuses_the_disclosure_and_records_nothing() {
    // Arrange
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;
    let release = p.signed(&a.client, a.tenant, "release-of-information").await;
    let id = p.authorized(&a.client, a.tenant, release, (outside(EMAIL), json!(["demographics"]))).await;
    let path = paths::disclosures(a.tenant, a.client.user);

    // Act
    let (partly, partly_body) =
        p.call(&a.admin, Method::POST, &path, Some(disclosure(json!(["demographics", "diagnoses"])))).await;
    p.call(&a.client, Method::POST, &paths::authorization_revocation(a.tenant, a.client.user, id), None).await;
    let (revoked, _) = p.call(&a.admin, Method::POST, &path, Some(disclosure(json!(["demographics"])))).await;
    let (no_channel, _) = p
        .call(
            &a.admin,
            Method::POST,
            &path,
            Some(json!({
        "recipient": outside(EMAIL), "categories": ["demographics"], "channel": " " })),
        )
        .await;
    let (foreign, _) = p.call(&b.admin, Method::POST, &path, Some(disclosure(json!(["demographics"])))).await;

    // Assert
    assert_eq!((partly, code(&partly_body)), (StatusCode::FORBIDDEN, "CONSENT_FORBIDDEN"));
    assert_eq!(revoked, StatusCode::FORBIDDEN, "the revocation applies to the next disclosure");
    assert_eq!(no_channel, StatusCode::BAD_REQUEST);
    assert_eq!(foreign, StatusCode::NOT_FOUND);
    let rows = query(&p.consent_admin, "select id from consent.disclosures", vec![]).await;
    assert!(rows.is_empty(), "nothing recorded");
    let denied: Vec<_> =
        p.events(a.tenant).await.into_iter().filter(|e| e.action == "consent.disclosure.recorded").collect();
    assert_eq!(denied.iter().map(|e| e.outcome.as_str()).collect::<Vec<_>>(), ["denied", "denied"]);
}

#[tokio::test]
async fn the_accounting_is_never_changed_or_deleted_even_by_the_superuser() {
    // Arrange
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;
    let release = p.signed(&a.client, a.tenant, "release-of-information").await;
    p.authorized(&a.client, a.tenant, release, (outside(EMAIL), json!(["demographics"]))).await;
    let path = paths::disclosures(a.tenant, a.client.user);
    let (_, recorded) = p.call(&a.admin, Method::POST, &path, Some(disclosure(json!(["demographics"])))).await;

    // Act / Assert
    for sql in [
        "update consent.disclosures set disclosed_at = now() - interval '1 year'",
        "delete from consent.disclosures",
        "truncate consent.disclosures",
    ] {
        assert!(exec(&p.consent_admin, sql, vec![]).await.is_err(), "{sql}");
        let err = exec(&p.consent_role, sql, vec![]).await.unwrap_err().to_string();
        assert!(err.contains("permission denied") || err.contains("never changed"), "{sql}: {err}");
    }
    let (_, own) = p.call(&a.client, Method::GET, &path, None).await;
    assert_eq!(own["disclosures"], json!([recorded]));
    let (_, theirs) = p.call(&b.client, Method::GET, &paths::disclosures(b.tenant, b.client.user), None).await;
    assert_eq!(theirs, json!({ "disclosures": [] }));
}
