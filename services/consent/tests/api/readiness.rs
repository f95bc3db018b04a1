//! Readiness: may the client book (every required template signed and not withdrawn), the
//! titles still missing, and whether they consented to recording. For the practice's team
//! and the client themself; titles and booleans only; audited.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tp_consent_api::paths;

use crate::harness::{Person, Platform, code, spawn};

async fn readiness(p: &Platform, who: &Person, tenant: tp_ids::TenantId, client: &Person) -> (StatusCode, Value) {
    p.call(who, Method::GET, &paths::readiness(tenant, client.user), None).await
}

#[tokio::test]
async fn a_client_is_ready_once_every_required_document_is_signed_and_not_withdrawn() {
    // Arrange: the practice requires informed consent and its own policy.
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;
    let policy = p.practice_template(&a.admin, a.tenant, "other", "Cancellation policy").await;
    let required = json!({ "before_first_appointment": ["informed-consent", policy] });
    p.call(&a.admin, Method::PUT, &paths::requirements(a.tenant), Some(required)).await;

    // Act / Assert: nothing signed yet.
    let (status, before) = readiness(&p, &a.staff, a.tenant, &a.client).await;
    assert_eq!(status, StatusCode::OK, "{before}");
    let expected_missing = json!([
        { "template": "informed-consent", "title": "Informed consent to treatment" },
        { "template": policy, "title": "Cancellation policy" },
    ]);
    assert_eq!(before, json!({ "ready_to_book": false, "missing": expected_missing, "recording_consented": false }));

    // One signed: the other still missing.
    p.sign(&a.client, a.tenant, "informed-consent").await;
    let (_, half) = readiness(&p, &a.client, a.tenant, &a.client).await;
    assert_eq!(half["missing"], json!([{ "template": policy, "title": "Cancellation policy" }]));

    // Both signed: ready; the policy's withdrawal makes it missing again.
    let (_, signed) = p.sign(&a.client, a.tenant, &policy).await;
    let (_, ready) = readiness(&p, &a.clinician, a.tenant, &a.client).await;
    assert_eq!(ready, json!({ "ready_to_book": true, "missing": [], "recording_consented": false }));
    let id = signed["id"].as_str().unwrap().parse().unwrap();
    p.call(&a.client, Method::POST, &paths::withdrawal(a.tenant, a.client.user, id), None).await;
    let (_, withdrawn) = readiness(&p, &a.admin, a.tenant, &a.client).await;
    assert_eq!(withdrawn["ready_to_book"], false);
    assert_eq!(withdrawn["missing"], json!([{ "template": policy, "title": "Cancellation policy" }]));

    // Another client of the practice is not ready; the other practice has no such requirement.
    let (_, other) = readiness(&p, &a.staff, a.tenant, &a.other_client).await;
    assert_eq!(other["ready_to_book"], false);
    let (_, theirs) = readiness(&p, &b.staff, b.tenant, &b.client).await;
    assert_eq!(theirs, json!({ "ready_to_book": true, "missing": [], "recording_consented": false }));
    let missing: Vec<Value> = p.details(a.tenant, "consent.readiness.read").await;
    assert_eq!(
        missing,
        [
            json!({"missing": "2"}),
            json!({"missing": "1"}),
            json!({"missing": "0"}),
            json!({"missing": "1"}),
            json!({"missing": "2"})
        ]
    );
}

#[tokio::test]
async fn recording_consent_holds_from_signing_until_withdrawal() {
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;
    let (_, before) = readiness(&p, &a.clinician, a.tenant, &a.client).await;
    assert_eq!(before["recording_consented"], false);

    let (_, signed) = p.sign(&a.client, a.tenant, "recording").await;
    let (_, after) = readiness(&p, &a.clinician, a.tenant, &a.client).await;
    assert_eq!(after["recording_consented"], true);
    let (_, neighbour) = readiness(&p, &a.clinician, a.tenant, &a.other_client).await;
    assert_eq!(neighbour["recording_consented"], false, "one client's consent is theirs only");
    assert_eq!(readiness(&p, &b.clinician, a.tenant, &a.client).await.0, StatusCode::NOT_FOUND);
    let (_, theirs) = readiness(&p, &b.clinician, b.tenant, &a.client).await;
    assert_eq!(theirs["recording_consented"], false, "the consent was given to practice A only");

    let id = signed["id"].as_str().unwrap().parse().unwrap();
    p.call(&a.client, Method::POST, &paths::withdrawal(a.tenant, a.client.user, id), None).await;
    let (_, withdrawn) = readiness(&p, &a.clinician, a.tenant, &a.client).await;
    assert_eq!(withdrawn["recording_consented"], false);
}

#[tokio::test]
async fn readiness_answers_the_practices_team_and_the_client_about_themself_only() {
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;
    for who in [&a.admin, &a.clinician, &a.staff, &a.client] {
        let (status, body) = readiness(&p, who, a.tenant, &a.client).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["missing", "ready_to_book", "recording_consented"], "titles and booleans only");
    }
    let (status, body) = readiness(&p, &a.other_client, a.tenant, &a.client).await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "CONSENT_FORBIDDEN"));
    for who in [&b.admin, &b.clinician, &b.client] {
        assert_eq!(readiness(&p, who, a.tenant, &a.client).await.0, StatusCode::NOT_FOUND);
    }
}
