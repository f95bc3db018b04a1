//! Restrictions: the client asks, a practice admin reviews once, and only accepted ones
//! subtract from decisions (their categories, or all; for their recipient, or anyone).

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tp_consent_api::paths;
use uuid::Uuid;

use crate::harness::{Person, Platform, code, exec, outside, spawn};

const EMAIL: &str = "ada@clinic.example";

async fn request(p: &Platform, client: &Person, tenant: tp_ids::TenantId, body: Value) -> Uuid {
    let (status, made) = p.call(client, Method::POST, &paths::restrictions(tenant, client.user), Some(body)).await;
    assert_eq!((status, &made["status"]), (StatusCode::CREATED, &json!("requested")), "{made}");
    made["id"].as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_client_requests_an_admin_reviews_once_and_both_read_it() {
    // Arrange
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;
    let path = paths::restrictions(a.tenant, a.client.user);
    let body = json!({ "categories": [], "recipient": null, "description": "Nothing to my employer" });

    // Act
    let by_others = [
        p.call(&a.admin, Method::POST, &path, Some(body.clone())).await.0,
        p.call(&a.other_client, Method::POST, &path, Some(body.clone())).await.0,
        p.call(&b.client, Method::POST, &path, Some(body.clone())).await.0,
    ];
    let id = request(&p, &a.client, a.tenant, body.clone()).await;
    let second = request(&p, &a.client, a.tenant, body).await;
    let review = paths::restriction_review(a.tenant, a.client.user, id);
    let accept = json!({ "accept": true, "reason": "Agreed" });
    let reviews_by_others = [
        p.call(&a.client, Method::POST, &review, Some(accept.clone())).await.0,
        p.call(&a.clinician, Method::POST, &review, Some(accept.clone())).await.0,
        p.call(&b.admin, Method::POST, &review, Some(accept.clone())).await.0,
    ];
    let (reviewed, reviewed_body) = p.call(&a.admin, Method::POST, &review, Some(accept.clone())).await;
    let (again, again_body) =
        p.call(&a.admin, Method::POST, &review, Some(json!({ "accept": false, "reason": "No" }))).await;

    // Assert
    use StatusCode as S;
    assert_eq!(by_others, [S::FORBIDDEN, S::FORBIDDEN, S::NOT_FOUND]);
    assert_eq!(reviews_by_others, [S::FORBIDDEN, S::FORBIDDEN, S::NOT_FOUND]);
    assert_eq!(
        (reviewed, &reviewed_body["status"], &reviewed_body["reason"]),
        (S::OK, &json!("accepted"), &json!("Agreed"))
    );
    assert_eq!(reviewed_body["reviewed_by"], json!(a.admin.user));
    assert_eq!((again, code(&again_body)), (S::CONFLICT, "CONSENT_CONFLICT"));
    let (_, own) = p.call(&a.client, Method::GET, &path, None).await;
    let (_, admin) = p.call(&a.admin, Method::GET, &path, None).await;
    assert_eq!(own, admin);
    let ids: Vec<&str> = own["restrictions"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [second.to_string(), id.to_string()], "newest first");
    assert_eq!(own["restrictions"][1]["description"], json!("Nothing to my employer"));
    assert_eq!(p.call(&a.clinician, Method::GET, &path, None).await.0, S::FORBIDDEN);
    assert_eq!(p.call(&b.admin, Method::GET, &path, None).await.0, S::NOT_FOUND);
    let unknown = paths::restriction_review(a.tenant, a.client.user, Uuid::now_v7());
    assert_eq!(p.call(&a.admin, Method::POST, &unknown, Some(accept)).await.0, S::NOT_FOUND);
    // Bad texts name their field.
    for (body, field) in [
        (json!({ "categories": [], "recipient": null, "description": " " }), "description"),
        (json!({ "categories": [], "recipient": null, "description": "d".repeat(1001) }), "description"),
        (json!({ "categories": [], "recipient": outside("nope"), "description": "x" }), "recipient.email"),
    ] {
        let (status, refused) = p.call(&a.client, Method::POST, &path, Some(body)).await;
        assert_eq!(status, S::BAD_REQUEST);
        assert!(refused["error"]["message"].as_str().unwrap().contains(field), "{refused}");
    }
    let review = paths::restriction_review(a.tenant, a.client.user, second);
    let (status, refused) =
        p.call(&a.admin, Method::POST, &review, Some(json!({ "accept": true, "reason": "" }))).await;
    assert!(status == S::BAD_REQUEST && refused["error"]["message"].as_str().unwrap().contains("reason"));
}

#[tokio::test]
async fn only_accepted_restrictions_subtract_from_decisions() {
    // Arrange
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;
    let client = (a.tenant, a.client.user);
    let release = p.signed(&a.client, a.tenant, "release-of-information").await;
    let asked = json!(["demographics", "diagnoses", "documents"]);
    for email in [EMAIL, "bob@clinic.example"] {
        p.authorized(&a.client, a.tenant, release, (outside(email), asked.clone())).await;
    }
    let review = |id, accept| {
        let path = paths::restriction_review(a.tenant, a.client.user, id);
        let admin = a.admin.clone();
        let p = &p;
        async move { p.call(&admin, Method::POST, &path, Some(json!({ "accept": accept, "reason": "Reviewed" }))).await }
    };
    // Diagnoses to Ada (accepted); documents to anyone (declined); requested and not reviewed:
    // everything to Bob.
    let diagnoses =
        json!({ "categories": ["diagnoses"], "recipient": outside("ADA@clinic.example"), "description": "x" });
    let ada = request(&p, &a.client, a.tenant, diagnoses).await;
    review(ada, true).await;
    let documents = json!({ "categories": ["documents"], "recipient": null, "description": "x" });
    review(request(&p, &a.client, a.tenant, documents).await, false).await;
    let everything = json!({ "categories": [], "recipient": outside("bob@clinic.example"), "description": "x" });
    let bob = request(&p, &a.client, a.tenant, everything).await;

    // Act
    let (_, to_ada) = p.decide(&a.admin, client, outside(EMAIL), asked.clone()).await;
    let (_, to_bob_pending) = p.decide(&a.admin, client, outside("bob@clinic.example"), asked.clone()).await;
    review(bob, true).await;
    let (_, to_bob) = p.decide(&a.admin, client, outside("bob@clinic.example"), asked.clone()).await;

    // Assert
    assert_eq!(
        (&to_ada["categories"], &to_ada["denied"]),
        (&json!(["demographics", "documents"]), &json!(["diagnoses"]))
    );
    assert_eq!(to_bob_pending["categories"], asked, "a request alone restricts nothing");
    assert_eq!((&to_bob["permit"], &to_bob["denied"]), (&json!(false), &asked), "all categories to Bob");
    let (_, theirs) = p.call(&b.admin, Method::GET, &paths::restrictions(b.tenant, a.client.user), None).await;
    assert_eq!(theirs, json!({ "restrictions": [] }));
}

#[tokio::test]
async fn a_restriction_is_reviewed_once_and_its_request_never_changes_even_for_the_superuser() {
    // Arrange: one reviewed and one requested restriction in A, one in B.
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;
    let body = json!({ "categories": ["diagnoses"], "recipient": null, "description": "Not to my insurer" });
    let reviewed = request(&p, &a.client, a.tenant, body.clone()).await;
    let pending = request(&p, &a.client, a.tenant, body.clone()).await;
    let theirs = request(&p, &b.client, b.tenant, body).await;
    let path = paths::restriction_review(a.tenant, a.client.user, reviewed);
    p.call(&a.admin, Method::POST, &path, Some(json!({ "accept": true, "reason": "Agreed" }))).await;

    // Act / Assert
    let refused = [
        ("update consent.restrictions set status = 'declined' where id = $1", reviewed),
        ("update consent.restrictions set request = request || '\\x00'::bytea where id = $1", pending),
        ("update consent.restrictions set client_id = gen_random_uuid() where id = $1", pending),
        ("update consent.restrictions set status = 'accepted' where id = $1", pending),
        ("delete from consent.restrictions where id = $1", pending),
    ];
    for (sql, id) in refused {
        assert!(exec(&p.consent_admin, sql, vec![id.into()]).await.is_err(), "{sql}");
    }
    let err =
        exec(&p.consent_role, "update consent.restrictions set request = null where id = $1", vec![pending.into()])
            .await
            .unwrap_err()
            .to_string();
    assert!(err.contains("permission denied"), "{err}");
    let (_, list) = p.call(&a.client, Method::GET, &paths::restrictions(a.tenant, a.client.user), None).await;
    let statuses: Vec<&Value> = list["restrictions"].as_array().unwrap().iter().map(|r| &r["status"]).collect();
    assert_eq!(statuses, [&json!("requested"), &json!("accepted")]);
    let (_, other) = p.call(&b.client, Method::GET, &paths::restrictions(b.tenant, b.client.user), None).await;
    assert_eq!(other["restrictions"][0]["id"], json!(theirs));
}
