//! Authorizations: the client alone creates them, from their own signed, not withdrawn
//! document of the right kind; what a row may become (revoked once, ended by its event
//! once) and nothing else, for the superuser too.

use chrono::{Duration, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tp_consent_api::paths;
use uuid::Uuid;

use crate::harness::{code, exec, outside, practice_recipient, spawn};

const EMAIL: &str = "ada@clinic.example";

#[tokio::test]
async fn a_client_authorizes_a_release_from_their_own_signed_document_and_reads_it_back() {
    // Arrange
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;
    let release = p.signed(&a.client, a.tenant, "release-of-information").await;

    // Act
    let first =
        p.authorized(&a.client, a.tenant, release, (outside(EMAIL), json!(["diagnoses", "demographics"]))).await;
    let to_b = (practice_recipient(b.tenant, None), json!(["appointments"]));
    let second = p.authorized(&a.client, a.tenant, release, to_b).await;
    let path = paths::authorizations(a.tenant, a.client.user);
    let (own, own_list) = p.call(&a.client, Method::GET, &path, None).await;
    let (admin, admin_list) = p.call(&a.admin, Method::GET, &path, None).await;

    // Assert
    assert_eq!((own, admin), (StatusCode::OK, StatusCode::OK));
    assert_eq!(own_list, admin_list);
    let list = own_list["authorizations"].as_array().unwrap();
    let ids: Vec<&str> = list.iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [second.to_string(), first.to_string()], "newest first");
    let one = &list[1];
    assert_eq!(one["categories"], json!(["demographics", "diagnoses"]));
    assert_eq!((&one["status"], &one["recipient"]["email"]), (&json!("active"), &json!(EMAIL)));
    assert_eq!((&one["signature_id"], &one["purpose"]), (&json!(release), &json!("Continuity of care")));
    assert_eq!(list[0]["recipient"], practice_recipient(b.tenant, None), "another practice, stored as given");
    for who in [&a.clinician, &a.staff, &a.other_client] {
        assert_eq!(p.call(who, Method::GET, &path, None).await.0, StatusCode::FORBIDDEN);
    }
    assert_eq!(p.call(&b.admin, Method::GET, &path, None).await.0, StatusCode::NOT_FOUND);
    let (_, theirs) = p.call(&b.admin, Method::GET, &paths::authorizations(b.tenant, a.client.user), None).await;
    assert_eq!(theirs, json!({ "authorizations": [] }), "the other practice sees nothing of A's");
}

#[tokio::test]
async fn each_document_kind_authorizes_only_its_own_categories_and_bad_input_names_the_rule() {
    // Arrange
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;
    let release = p.signed(&a.client, a.tenant, "release-of-information").await;
    let notes = p.signed(&a.client, a.tenant, "psychotherapy-notes").await;
    let part2 = p.signed(&a.client, a.tenant, "part2-sud").await;
    let telehealth = p.signed(&a.client, a.tenant, "telehealth").await;
    let withdrawn = p.signed(&a.client, a.tenant, "release-of-information").await;
    p.call(&a.client, Method::POST, &paths::withdrawal(a.tenant, a.client.user, withdrawn), None).await;
    let neighbours = p.signed(&a.other_client, a.tenant, "release-of-information").await;
    let theirs = p.signed(&b.client, b.tenant, "release-of-information").await;

    // Act / Assert: refused, each naming its field.
    let refused: [(Uuid, Value, &str); 10] = [
        (release, json!(["demographics", "psychotherapy_notes"]), "categories"),
        (release, json!(["sud_records"]), "categories"),
        (release, json!([]), "categories"),
        (notes, json!(["psychotherapy_notes", "demographics"]), "categories"),
        (part2, json!(["demographics"]), "categories"),
        (part2, json!(["sud_records", "psychotherapy_notes"]), "categories"),
        (telehealth, json!(["demographics"]), "signature_id"),
        (withdrawn, json!(["demographics"]), "signature_id"),
        (neighbours, json!(["demographics"]), "signature_id"),
        (theirs, json!(["demographics"]), "signature_id"),
    ];
    for (signature, categories, field) in refused {
        let (status, body) = p.authorize(&a.client, a.tenant, signature, (outside(EMAIL), categories.clone())).await;
        assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "CONSENT_INVALID_INPUT"), "{categories}");
        assert!(body["error"]["message"].as_str().unwrap().contains(field), "{categories}: {body}");
    }
    // Accepted: each special category by its own document.
    let to = || outside(EMAIL);
    assert_eq!(
        p.authorize(&a.client, a.tenant, notes, (to(), json!(["psychotherapy_notes"]))).await.0,
        StatusCode::CREATED
    );
    assert_eq!(p.authorize(&a.client, a.tenant, part2, (to(), json!(["sud_records"]))).await.0, StatusCode::CREATED);
    // Recipient, purpose and expiry.
    let path = paths::authorizations(a.tenant, a.client.user);
    let base = json!({
        "signature_id": release, "recipient": outside(EMAIL), "categories": ["documents"],
        "purpose": "Second opinion", "expires_at": Utc::now() + Duration::days(30), "expires_on": null,
    });
    let year = |years: i64| json!(Utc::now() + Duration::days(365 * years));
    let bad_recipient = json!({ "kind": "outside", "name": "Ada", "organisation": null, "email": "ada.clinic" });
    let nameless = json!({ "kind": "outside", "name": "  ", "organisation": null, "email": EMAIL });
    let cases: [(&str, Value, &str); 7] = [
        ("recipient", bad_recipient, "recipient.email"),
        ("recipient", nameless, "recipient.name"),
        ("purpose", json!(" "), "purpose"),
        ("purpose", json!("p".repeat(501)), "purpose"),
        ("expires_at", json!(Utc::now() - Duration::minutes(1)), "expires_at"),
        ("expires_at", year(11), "expires_at"),
        ("expires_at", Value::Null, "expires_at"),
    ];
    for (key, value, field) in cases {
        let mut body = base.clone();
        body[key] = value.clone();
        let (status, answer) = p.call(&a.client, Method::POST, &path, Some(body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{key}={value}: {answer}");
        assert!(answer["error"]["message"].as_str().unwrap().contains(field), "{answer}");
        assert!(!answer.to_string().contains("ada.clinic"), "never the value: {answer}");
    }
    let mut by_event = base.clone();
    by_event["expires_at"] = Value::Null;
    by_event["expires_on"] = json!("transfer_completed");
    let (status, created) = p.call(&a.client, Method::POST, &path, Some(by_event)).await;
    assert_eq!((status, &created["expires_on"]), (StatusCode::CREATED, &json!("transfer_completed")), "{created}");
    // Only the client, for themself; another practice is not found.
    for who in [&a.admin, &a.clinician, &a.other_client] {
        assert_eq!(p.call(who, Method::POST, &path, Some(base.clone())).await.0, StatusCode::FORBIDDEN);
    }
    assert_eq!(p.call(&b.client, Method::POST, &path, Some(base)).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_revocation_happens_once_and_the_very_next_decision_denies() {
    // Arrange
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;
    let release = p.signed(&a.client, a.tenant, "release-of-information").await;
    let id = p.authorized(&a.client, a.tenant, release, (outside(EMAIL), json!(["diagnoses"]))).await;
    let client = (a.tenant, a.client.user);
    let (_, before) = p.decide(&a.admin, client, outside(EMAIL), json!(["diagnoses"])).await;
    let path = paths::authorization_revocation(a.tenant, a.client.user, id);

    // Act
    let by_others = [
        p.call(&a.admin, Method::POST, &path, None).await.0,
        p.call(&b.client, Method::POST, &path, None).await.0,
        p.call(
            &a.other_client,
            Method::POST,
            &paths::authorization_revocation(a.tenant, a.other_client.user, id),
            None,
        )
        .await
        .0,
    ];
    let (first, revoked) = p.call(&a.client, Method::POST, &path, None).await;
    let (_, after) = p.decide(&a.admin, client, outside(EMAIL), json!(["diagnoses"])).await;
    let (second, second_body) = p.call(&a.client, Method::POST, &path, None).await;

    // Assert
    assert_eq!(before["permit"], json!(true), "{before}");
    assert_eq!(by_others, [StatusCode::FORBIDDEN, StatusCode::NOT_FOUND, StatusCode::NOT_FOUND]);
    assert_eq!((first, &revoked["status"]), (StatusCode::OK, &json!("revoked")), "{revoked}");
    assert!(revoked["revoked_at"].is_string());
    assert_eq!(after, json!({ "permit": false, "categories": [], "denied": ["diagnoses"], "grants": [] }));
    assert_eq!((second, code(&second_body)), (StatusCode::CONFLICT, "CONSENT_CONFLICT"));
    let unknown = paths::authorization_revocation(a.tenant, a.client.user, Uuid::now_v7());
    assert_eq!(p.call(&a.client, Method::POST, &unknown, None).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_authorization_only_gets_revoked_or_ended_once_even_by_the_superuser() {
    // Arrange
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;
    let release = p.signed(&a.client, a.tenant, "release-of-information").await;
    let id = p.authorized(&a.client, a.tenant, release, (outside(EMAIL), json!(["diagnoses"]))).await;
    let theirs = p.signed(&b.client, b.tenant, "release-of-information").await;
    let their_id = p.authorized(&b.client, b.tenant, theirs, (outside(EMAIL), json!(["diagnoses"]))).await;

    // Act / Assert: what nobody may do.
    let refused = [
        "update consent.authorizations set terms = terms || '\\x00'::bytea where id = $1",
        "update consent.authorizations set expires_at = now() + interval '20 years' where id = $1",
        "update consent.authorizations set client_id = gen_random_uuid() where id = $1",
        "delete from consent.authorizations where id = $1",
    ];
    for sql in refused {
        assert!(exec(&p.consent_admin, sql, vec![id.into()]).await.is_err(), "{sql}");
    }
    assert!(exec(&p.consent_admin, "truncate consent.authorizations cascade", vec![]).await.is_err());
    for sql in ["update consent.authorizations set expires_at = now() where id = $1", refused[3]] {
        let err = exec(&p.consent_role, sql, vec![id.into()]).await.unwrap_err().to_string();
        assert!(err.contains("permission denied"), "{sql}: {err}");
    }
    // Each of the two times goes from null to a value once.
    // The service's role holds the grant (RLS shows it no row without a practice set)...
    let end = "update consent.authorizations set event_ended_at = now() where id = $1";
    assert!(exec(&p.consent_role, end, vec![id.into()]).await.is_ok(), "step 4 ends authorizations");
    assert_eq!(exec(&p.consent_admin, end, vec![id.into()]).await.unwrap(), 1);
    assert!(exec(&p.consent_admin, end, vec![id.into()]).await.is_err(), "the event happens once");
    let revoke = "update consent.authorizations set revoked_at = now() where id = $1";
    assert_eq!(exec(&p.consent_admin, revoke, vec![id.into()]).await.unwrap(), 1);
    assert!(exec(&p.consent_admin, revoke, vec![id.into()]).await.is_err(), "revoked once");
    let unrevoke = "update consent.authorizations set revoked_at = null where id = $1";
    assert!(exec(&p.consent_admin, unrevoke, vec![id.into()]).await.is_err());
    let (_, list) = p.call(&a.client, Method::GET, &paths::authorizations(a.tenant, a.client.user), None).await;
    assert_eq!(list["authorizations"][0]["status"], json!("revoked"));
    let (_, theirs) = p.call(&b.client, Method::GET, &paths::authorizations(b.tenant, b.client.user), None).await;
    assert_eq!(
        (&theirs["authorizations"][0]["id"], &theirs["authorizations"][0]["status"]),
        (&json!(their_id), &json!("active"))
    );
}
