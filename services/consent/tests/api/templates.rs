//! Templates: the seven built-ins for every member, a practice's own templates (versioned,
//! kind fixed, validated), another practice, and rows that never change.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tp_consent_api::paths;
use tp_consent_api::templates::BUILTIN_KEYS;
use uuid::Uuid;

use crate::harness::{code, exec, spawn};

fn sha256(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

fn input(kind: &str, title: &str, body: &str) -> Value {
    json!({ "kind": kind, "title": title, "body": body })
}

#[tokio::test]
async fn every_member_reads_the_seven_builtins_with_the_hash_of_their_exact_text() {
    // Arrange
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;

    for who in [&a.admin, &a.clinician, &a.staff, &a.client] {
        // Act
        let (status, list) = p.call(who, Method::GET, &paths::templates(a.tenant), None).await;

        // Assert
        assert_eq!(status, StatusCode::OK, "{list}");
        let templates = list["templates"].as_array().unwrap();
        let keys: Vec<&str> = templates.iter().map(|t| t["key"].as_str().unwrap()).collect();
        assert_eq!(keys, BUILTIN_KEYS, "the built-ins, in order, and nothing else yet");
        for template in templates {
            let body = template["body"].as_str().unwrap();
            assert_eq!(template["body_sha256"], sha256(body), "{}", template["key"]);
            assert_eq!((&template["builtin"], &template["version"]), (&json!(true), &json!(1)));
            assert!(body.contains("legal counsel"), "{}", template["key"]);
        }
    }
    let part2 = p.template(&a.client, a.tenant, "part2-sud").await;
    assert_eq!(part2["kind"], "part2_sud");
    assert!(part2["body"].as_str().unwrap().contains("42 CFR 2.32"));
    let (status, body) = p.call(&a.client, Method::GET, &paths::template(a.tenant, "no-such-template"), None).await;
    assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "CONSENT_NOT_FOUND"));
    let unknown = Uuid::now_v7().to_string();
    let (status, _) = p.call(&a.client, Method::GET, &paths::template(a.tenant, &unknown), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Another practice's members are told nothing is there.
    let (status, _) = p.call(&b.admin, Method::GET, &paths::templates(a.tenant), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_admin_versions_a_practice_template_whose_kind_never_changes() {
    // Arrange
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;
    let v1 = input("other", "Group therapy agreement", "# Group rules\n\nWhat is said here stays here.\n");

    // Act
    let (status, first) = p.call(&a.admin, Method::POST, &paths::templates(a.tenant), Some(v1)).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let id: Uuid = first["key"].as_str().unwrap().parse().unwrap();
    let v2 = input("other", "  Group therapy agreement (2027)  ", "# Group rules\n\nPhones off.\n");
    let (status, second) = p.call(&a.admin, Method::POST, &paths::template_versions(a.tenant, id), Some(v2)).await;

    // Assert
    assert_eq!(status, StatusCode::CREATED, "{second}");
    assert_eq!((&first["version"], &second["version"]), (&json!(1), &json!(2)));
    assert_eq!(second["title"], "Group therapy agreement (2027)", "trimmed");
    assert_eq!(second["body_sha256"], sha256("# Group rules\n\nPhones off.\n"));
    assert_eq!((&second["builtin"], &second["created_by"]), (&json!(false), &json!(a.admin.user.to_string())));
    let (_, list) = p.call(&a.client, Method::GET, &paths::templates(a.tenant), None).await;
    let own: Vec<&Value> = list["templates"].as_array().unwrap().iter().filter(|t| t["builtin"] == false).collect();
    assert_eq!(own.len(), 1, "one template, at its latest version: {list}");
    assert_eq!(own[0]["version"], 2);
    assert_eq!(p.template(&a.staff, a.tenant, &id.to_string().to_uppercase()).await["version"], 2);

    let recording = input("recording", "Group therapy agreement", "Recorded now.");
    let (status, body) = p.call(&a.admin, Method::POST, &paths::template_versions(a.tenant, id), Some(recording)).await;
    assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "CONSENT_INVALID_INPUT"), "{body}");
    assert!(body.to_string().contains("kind"), "{body}");
    let unknown = paths::template_versions(a.tenant, Uuid::now_v7());
    let (status, _) = p.call(&a.admin, Method::POST, &unknown, Some(input("other", "T", "B"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Another practice neither sees nor versions it.
    let (_, theirs) = p.call(&b.admin, Method::GET, &paths::templates(b.tenant), None).await;
    assert_eq!(theirs["templates"].as_array().unwrap().len(), BUILTIN_KEYS.len(), "{theirs}");
    let (status, _) = p.call(&b.admin, Method::GET, &paths::template(b.tenant, &id.to_string()), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) =
        p.call(&b.admin, Method::POST, &paths::template_versions(a.tenant, id), Some(input("other", "T", "B"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn only_practice_admins_save_templates_and_bad_input_is_refused_without_echo() {
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;
    let good = input("telehealth", "Our telehealth terms", "Text.");
    for who in [&a.clinician, &a.staff, &a.client] {
        let (status, body) = p.call(who, Method::POST, &paths::templates(a.tenant), Some(good.clone())).await;
        assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "CONSENT_FORBIDDEN"), "{body}");
    }
    let (status, _) = p.call(&b.admin, Method::POST, &paths::templates(a.tenant), Some(good.clone())).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another practice's admin");
    let secret = "Zebulon-Quartz";
    let bad = [
        input("other", "", "Body."),
        input("other", &format!("{secret}{}", "x".repeat(200)), "Body."),
        input("other", "Title", ""),
        input("other", "Title", &format!("{secret}{}", "x".repeat(100_000))),
        input("other", "Title", &format!("{secret}\u{0}")),
        json!({ "kind": "not-a-kind", "title": secret, "body": "Body." }),
        json!({ "title": secret }),
    ];
    for case in bad {
        let (status, body) = p.call(&a.admin, Method::POST, &paths::templates(a.tenant), Some(case)).await;
        assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "CONSENT_INVALID_INPUT"), "{body}");
        assert!(!body.to_string().contains(secret), "the refusal echoes the input: {body}");
    }
    let (_, list) = p.call(&a.admin, Method::GET, &paths::templates(a.tenant), None).await;
    assert_eq!(list["templates"].as_array().unwrap().len(), BUILTIN_KEYS.len(), "nothing was saved");
}

#[tokio::test]
async fn a_saved_template_version_is_never_updated_or_deleted_by_anyone() {
    // Arrange
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;
    let key = p.practice_template(&a.admin, a.tenant, "other", "House rules").await;
    p.practice_template(&b.admin, b.tenant, "other", "Their rules").await;
    let id: Uuid = key.parse().unwrap();

    // Act: the superuser (bypasses grants and RLS, not triggers), then the service's own role.
    let update = "update consent.templates set title = 'Changed' where id = $1";
    let delete = "delete from consent.templates where id = $1";
    let as_superuser = [
        exec(&p.consent_admin, update, vec![id.into()]).await,
        exec(&p.consent_admin, delete, vec![id.into()]).await,
        exec(&p.consent_admin, "truncate consent.templates", vec![]).await,
    ];
    let as_service = exec(&p.consent_role, update, vec![id.into()]).await;
    // Nor does the database take a version of another kind, or a hash that is not the body's.
    let insert = "insert into consent.templates (tenant_id, id, version, kind, title, body, body_sha256, created_by) \
                  select tenant_id, id, 2, $2, title, body, $3, created_by from consent.templates where id = $1";
    let body_hash = p.template(&a.admin, a.tenant, &key).await["body_sha256"].as_str().unwrap().to_owned();
    let other_kind =
        exec(&p.consent_admin, insert, vec![id.into(), "recording".into(), body_hash.clone().into()]).await;
    let wrong_hash = exec(&p.consent_admin, insert, vec![id.into(), "other".into(), "0".repeat(64).into()]).await;

    // Assert
    for result in as_superuser {
        let err = result.unwrap_err().to_string();
        assert!(err.contains("never changed"), "{err}");
    }
    assert!(as_service.unwrap_err().to_string().contains("permission denied"));
    assert!(other_kind.unwrap_err().to_string().contains("kind never changes"));
    assert!(wrong_hash.unwrap_err().to_string().contains("check constraint"));
    assert_eq!(p.template(&a.admin, a.tenant, &key).await["title"], "House rules");
    let (_, theirs) = p.call(&b.admin, Method::GET, &paths::templates(b.tenant), None).await;
    assert_eq!(theirs["templates"].as_array().unwrap().len(), BUILTIN_KEYS.len() + 1, "theirs untouched too");
}
