//! Signing and withdrawing: the client alone, the template's current text as quoted, the
//! evidence as the gateway saw the request, one withdrawal per signature, and rows that
//! never change.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tp_consent_api::paths;
use uuid::Uuid;

use crate::harness::{code, exec, query, spawn};

fn sign_body(template: &Value, typed_name: &str) -> Value {
    json!({
        "template": template["key"],
        "version": template["version"],
        "text_sha256": template["body_sha256"],
        "typed_name": typed_name,
    })
}

#[tokio::test]
async fn a_client_signs_the_text_they_were_shown_with_the_evidence_the_gateway_saw() {
    // Arrange
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;
    let template = p.template(&a.client, a.tenant, "telehealth").await;
    let headers = [("x-forwarded-for", "10.9.8.7, 203.0.113.9"), ("user-agent", "Mozilla/5.0 (Consent test)")];

    // Act
    let path = paths::signatures(a.tenant, a.client.user);
    let (status, signed) =
        p.call_with(&a.client, Method::POST, &path, Some(sign_body(&template, "  Casey Client ")), &headers).await;

    // Assert
    assert_eq!(status, StatusCode::CREATED, "{signed}");
    assert_eq!(signed["client_id"], a.client.user.to_string());
    assert_eq!(
        (&signed["template"], &signed["kind"], &signed["version"]),
        (&json!("telehealth"), &json!("telehealth"), &json!(1))
    );
    assert_eq!((&signed["text"], &signed["text_sha256"]), (&template["body"], &template["body_sha256"]));
    assert_eq!((&signed["title"], &signed["typed_name"]), (&template["title"], &json!("Casey Client")));
    assert_eq!((&signed["ip"], &signed["user_agent"]), (&json!("203.0.113.9"), &json!("Mozilla/5.0 (Consent test)")));
    assert_eq!(signed["withdrawn_at"], Value::Null);
    let id = signed["id"].as_str().unwrap();
    let (_, again) =
        p.call(&a.client, Method::GET, &paths::signature(a.tenant, a.client.user, id.parse().unwrap()), None).await;
    assert_eq!(again, signed, "read back exactly as signed");
    // Without the headers it is still a signature, with less evidence.
    let (status, bare) = p.call(&a.client, Method::POST, &path, Some(sign_body(&template, "Casey"))).await;
    assert_eq!((status, &bare["ip"], &bare["user_agent"]), (StatusCode::CREATED, &Value::Null, &Value::Null));
    // The other practice has no signature.
    let (_, theirs) = p.call(&b.admin, Method::GET, &paths::signatures(b.tenant, a.client.user), None).await;
    assert_eq!(theirs, json!({ "signatures": [] }));
}

#[tokio::test]
async fn nobody_signs_for_a_client_but_the_client_and_another_practice_gets_404() {
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;
    let template = p.template(&a.client, a.tenant, "informed-consent").await;
    let path = paths::signatures(a.tenant, a.client.user);
    for who in [&a.admin, &a.clinician, &a.staff, &a.other_client] {
        let (status, body) = p.call(who, Method::POST, &path, Some(sign_body(&template, "Someone Else"))).await;
        assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "CONSENT_FORBIDDEN"), "{body}");
    }
    let (status, _) = p.call(&b.client, Method::POST, &path, Some(sign_body(&template, "Intruder"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list) = p.call(&a.admin, Method::GET, &paths::signatures(a.tenant, a.client.user), None).await;
    assert_eq!(list, json!({ "signatures": [] }), "nothing was signed");
}

#[tokio::test]
async fn a_version_or_text_that_is_not_the_current_one_is_a_conflict_saying_to_read_again() {
    // Arrange: a practice template at version 1, shown to the client, then version 2 saved.
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;
    let key = p.practice_template(&a.admin, a.tenant, "recording", "Recording of group sessions").await;
    let shown = p.template(&a.client, a.tenant, &key).await;
    let v2 = json!({ "kind": "recording", "title": "Recording of group sessions", "body": "Version two." });
    let id: Uuid = key.parse().unwrap();
    p.call(&a.admin, Method::POST, &paths::template_versions(a.tenant, id), Some(v2)).await;
    let path = paths::signatures(a.tenant, a.client.user);

    // Act
    let (stale, stale_body) = p.call(&a.client, Method::POST, &path, Some(sign_body(&shown, "Casey"))).await;
    let current = p.template(&a.client, a.tenant, &key).await;
    let mut wrong_hash = sign_body(&current, "Casey");
    wrong_hash["text_sha256"] = json!("0".repeat(64));
    let (tampered, _) = p.call(&a.client, Method::POST, &path, Some(wrong_hash)).await;
    let (ok, signed) = p.call(&a.client, Method::POST, &path, Some(sign_body(&current, "Casey"))).await;

    // Assert
    assert_eq!((stale, code(&stale_body)), (StatusCode::CONFLICT, "CONSENT_CONFLICT"), "{stale_body}");
    assert!(stale_body["error"]["message"].as_str().unwrap().contains("read it again"), "{stale_body}");
    assert_eq!(tampered, StatusCode::CONFLICT);
    assert_eq!((ok, &signed["version"], &signed["text"]), (StatusCode::CREATED, &json!(2), &json!("Version two.")));
    // A template of another practice, or none at all, is not found; a bad name is refused.
    let theirs = p.practice_template(&b.admin, b.tenant, "other", "Theirs").await;
    let mut foreign = sign_body(&current, "Casey");
    foreign["template"] = json!(theirs);
    assert_eq!(p.call(&a.client, Method::POST, &path, Some(foreign)).await.0, StatusCode::NOT_FOUND);
    for name in ["   ", "Casey\nClient", &"n".repeat(201)] {
        let (status, body) = p.call(&a.client, Method::POST, &path, Some(sign_body(&current, name))).await;
        assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "CONSENT_INVALID_INPUT"), "{name:?}");
    }
}

#[tokio::test]
async fn a_client_withdraws_their_own_consent_once_and_the_signed_document_stays_as_it_was() {
    // Arrange
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;
    let (_, signed) = p.sign(&a.client, a.tenant, "electronic-communication").await;
    let id: Uuid = signed["id"].as_str().unwrap().parse().unwrap();
    let raw = "select document from consent.signatures where id = $1";
    let before: Vec<u8> = query(&p.consent_admin, raw, vec![id.into()]).await[0].try_get("", "document").unwrap();
    let path = paths::withdrawal(a.tenant, a.client.user, id);

    // Act: others first, then the client, twice.
    let by_others = [
        p.call(&a.admin, Method::POST, &path, None).await.0,
        p.call(&a.other_client, Method::POST, &paths::withdrawal(a.tenant, a.other_client.user, id), None).await.0,
        p.call(&b.client, Method::POST, &path, None).await.0,
    ];
    let (first, withdrawn) = p.call(&a.client, Method::POST, &path, None).await;
    let (second, second_body) = p.call(&a.client, Method::POST, &path, None).await;

    // Assert
    assert_eq!(by_others, [StatusCode::FORBIDDEN, StatusCode::NOT_FOUND, StatusCode::NOT_FOUND]);
    assert_eq!(first, StatusCode::OK, "{withdrawn}");
    assert!(withdrawn["withdrawn_at"].is_string(), "{withdrawn}");
    assert_eq!((second, code(&second_body)), (StatusCode::CONFLICT, "CONSENT_CONFLICT"));
    let after: Vec<u8> = query(&p.consent_admin, raw, vec![id.into()]).await[0].try_get("", "document").unwrap();
    assert_eq!(before, after, "the signed document is untouched");
    let (_, read) = p.call(&a.client, Method::GET, &paths::signature(a.tenant, a.client.user, id), None).await;
    let mut expected = signed.clone();
    expected["withdrawn_at"] = withdrawn["withdrawn_at"].clone();
    assert_eq!(read, expected, "the same document, now marked withdrawn");
    let unknown = paths::withdrawal(a.tenant, a.client.user, Uuid::now_v7());
    assert_eq!(p.call(&a.client, Method::POST, &unknown, None).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn signatures_and_withdrawals_are_never_changed_or_deleted_even_by_the_superuser() {
    // Arrange
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;
    let (_, signed) = p.sign(&a.client, a.tenant, "recording").await;
    let (_, theirs) = p.sign(&b.client, b.tenant, "recording").await;
    let id: Uuid = signed["id"].as_str().unwrap().parse().unwrap();
    p.call(&a.client, Method::POST, &paths::withdrawal(a.tenant, a.client.user, id), None).await;

    // Act
    let attempts = [
        "update consent.signatures set signed_at = signed_at - interval '1 year' where id = $1",
        "update consent.signatures set client_id = gen_random_uuid() where id = $1",
        "delete from consent.signatures where id = $1",
        "update consent.withdrawals set withdrawn_at = now() where signature_id = $1",
        "delete from consent.withdrawals where signature_id = $1",
    ];
    let mut refusals = Vec::new();
    for sql in attempts {
        refusals.push(exec(&p.consent_admin, sql, vec![id.into()]).await);
    }
    let truncate = exec(&p.consent_admin, "truncate consent.withdrawals, consent.signatures", vec![]).await;
    let as_service = exec(&p.consent_role, "delete from consent.signatures where id = $1", vec![id.into()]).await;

    // Assert
    for (sql, result) in attempts.iter().zip(refusals) {
        let err = result.expect_err(sql).to_string();
        assert!(err.contains("never changed or deleted"), "{sql}: {err}");
    }
    assert!(truncate.is_err());
    assert!(as_service.unwrap_err().to_string().contains("permission denied"));
    let (_, read) = p.call(&a.client, Method::GET, &paths::signature(a.tenant, a.client.user, id), None).await;
    assert_eq!((&read["signed_at"], &read["text"]), (&signed["signed_at"], &signed["text"]));
    let their_id: Uuid = theirs["id"].as_str().unwrap().parse().unwrap();
    let (status, _) = p.call(&b.client, Method::GET, &paths::signature(b.tenant, b.client.user, their_id), None).await;
    assert_eq!(status, StatusCode::OK, "the other practice's signature is untouched");
}
