//! What the disclosure tables keep at rest: ids, times and states in plaintext, every
//! recipient, category, purpose, description, reason and channel sealed and bound to its
//! row and client.

use reqwest::{Method, StatusCode};
use serde_json::json;
use tp_consent_api::paths;
use uuid::Uuid;

use crate::harness::{code, exec, query, spawn};

const NEEDLES: [&str; 8] =
    ["Quixote", "needle@zanzibar.example", "Blueberry", "Orchard", "Marmalade", "Pinecone", "sud_records", "by pigeon"];

#[tokio::test]
async fn raw_disclosure_rows_read_as_superuser_hold_no_plaintext() {
    // Arrange: distinctive words in every free text.
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;
    let to = json!({ "kind": "outside", "name": "Zanzibar Quixote", "organisation": "Blueberry Clinic",
                     "email": "needle@zanzibar.example" });
    let part2 = p.signed(&a.client, a.tenant, "part2-sud").await;
    let body = json!({ "signature_id": part2, "recipient": to, "categories": ["sud_records"],
                       "purpose": "Orchard review", "expires_at": null, "expires_on": "transfer_completed" });
    let (status, made) =
        p.call(&a.client, Method::POST, &paths::authorizations(a.tenant, a.client.user), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let restriction = json!({ "categories": ["sud_records"], "recipient": to, "description": "Marmalade" });
    let (_, r) =
        p.call(&a.client, Method::POST, &paths::restrictions(a.tenant, a.client.user), Some(restriction)).await;
    let disclosure = json!({ "recipient": to, "categories": ["sud_records"], "channel": "by pigeon" });
    let (status, _) =
        p.call(&a.admin, Method::POST, &paths::disclosures(a.tenant, a.client.user), Some(disclosure)).await;
    assert_eq!(status, StatusCode::CREATED);
    let review = paths::restriction_review(a.tenant, a.client.user, r["id"].as_str().unwrap().parse().unwrap());
    p.call(&a.admin, Method::POST, &review, Some(json!({ "accept": false, "reason": "Pinecone" }))).await;

    // Act: every row of the three tables as text, bypassing RLS.
    let mut dumps = Vec::new();
    for table in ["authorizations", "restrictions", "disclosures"] {
        let sql = format!("select t::text as row from consent.{table} t");
        let rows = query(&p.consent_admin, &sql, vec![]).await;
        assert!(!rows.is_empty(), "{table}");
        dumps.extend(rows.iter().map(|r| r.try_get::<String>("", "row").unwrap()));
    }

    // Assert
    for dump in &dumps {
        let hex_needles: Vec<String> = NEEDLES.iter().map(hex::encode).collect();
        for (needle, hexed) in NEEDLES.iter().zip(&hex_needles) {
            assert!(!dump.to_lowercase().contains(&needle.to_lowercase()), "{needle} in {dump}");
            assert!(!dump.contains(hexed.as_str()), "{needle} (as bytes) at rest");
        }
    }
    let (_, theirs) = p.call(&b.admin, Method::GET, &paths::authorizations(b.tenant, a.client.user), None).await;
    assert_eq!(theirs, json!({ "authorizations": [] }));
}

#[tokio::test]
async fn a_sealed_column_copied_to_another_clients_row_does_not_decrypt() {
    // Arrange: A's client's restriction and disclosure, copied as new rows of their neighbour.
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;
    let release = p.signed(&a.client, a.tenant, "release-of-information").await;
    let to = crate::harness::outside("ada@clinic.example");
    p.authorized(&a.client, a.tenant, release, (to.clone(), json!(["demographics"]))).await;
    let restriction = json!({ "categories": [], "recipient": null, "description": "Casey's wish" });
    p.call(&a.client, Method::POST, &paths::restrictions(a.tenant, a.client.user), Some(restriction)).await;
    let disclosure = json!({ "recipient": to, "categories": ["demographics"], "channel": "by post" });
    p.call(&a.admin, Method::POST, &paths::disclosures(a.tenant, a.client.user), Some(disclosure)).await;
    let neighbour = a.other_client.user;
    let copies = [
        "insert into consent.restrictions (tenant_id, id, client_id, request) \
         select tenant_id, $2, $1, request from consent.restrictions",
        "insert into consent.disclosures (tenant_id, id, client_id, disclosed_by, record) \
         select tenant_id, $2, $1, disclosed_by, record from consent.disclosures",
    ];
    for sql in copies {
        exec(&p.consent_admin, sql, vec![Uuid::from(neighbour).into(), Uuid::now_v7().into()]).await.unwrap();
    }

    // Act
    let mut answers = Vec::new();
    for path in [paths::restrictions(a.tenant, neighbour), paths::disclosures(a.tenant, neighbour)] {
        answers.push(p.call(&a.other_client, Method::GET, &path, None).await);
    }

    // Assert: an error with nothing of A's, and A's own still read.
    for (status, body) in answers {
        assert_eq!((status, code(&body)), (StatusCode::INTERNAL_SERVER_ERROR, "CONSENT_INTERNAL"), "{body}");
        assert!(!body.to_string().contains("Casey") && !body.to_string().contains("ada@"), "{body}");
    }
    for path in [paths::restrictions(a.tenant, a.client.user), paths::disclosures(a.tenant, a.client.user)] {
        assert_eq!(p.call(&a.client, Method::GET, &path, None).await.0, StatusCode::OK);
    }
    let (_, theirs) = p.call(&b.admin, Method::GET, &paths::restrictions(b.tenant, neighbour), None).await;
    assert_eq!(theirs, json!({ "restrictions": [] }));
}
