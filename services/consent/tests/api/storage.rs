//! What is at rest: a signature row is ids, a time and one ciphertext bound to its practice,
//! row and client; nothing in it says which document was signed or by what name.

use reqwest::{Method, StatusCode};
use serde_json::json;
use tp_consent_api::paths;
use uuid::Uuid;

use crate::harness::{code, exec, query, spawn};

const NAME: &str = "Zanzibar Quixote";
const IP: &str = "198.51.100.77";
const AGENT: &str = "Needle-Agent/9.9";

#[tokio::test]
async fn raw_rows_read_as_superuser_hold_no_plaintext() {
    // Arrange: a Part 2 consent and a practice template, signed with distinctive evidence.
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;
    let own = p.practice_template(&a.admin, a.tenant, "other", "Blueberry Ledger policy").await;
    let headers = [("x-forwarded-for", IP), ("user-agent", AGENT)];
    let mut signed = Vec::new();
    for key in ["part2-sud", own.as_str()] {
        let template = p.template(&a.client, a.tenant, key).await;
        let body = json!({ "template": key, "version": 1, "text_sha256": template["body_sha256"], "typed_name": NAME });
        let path = paths::signatures(a.tenant, a.client.user);
        let (status, row) = p.call_with(&a.client, Method::POST, &path, Some(body), &headers).await;
        assert_eq!(status, StatusCode::CREATED, "{row}");
        signed.push(row);
    }
    let id: Uuid = signed[0]["id"].as_str().unwrap().parse().unwrap();
    p.call(&a.client, Method::POST, &paths::withdrawal(a.tenant, a.client.user, id), None).await;

    // Act: the ciphertexts, as bytes, bypassing RLS.
    let sql = "select document from consent.signatures where tenant_id = $1";
    let rows = query(&p.consent_admin, sql, vec![Uuid::from(a.tenant).into()]).await;

    // Assert: no value, not even the public hash of the Part 2 text, is in any of them.
    assert_eq!(rows.len(), 2);
    let part2_hash = signed[0]["text_sha256"].as_str().unwrap().to_owned();
    let needles =
        [NAME, "Zanzibar", IP, AGENT, "part2", "Part 2", "Substance", "Blueberry", own.as_str(), part2_hash.as_str()];
    for row in &rows {
        let bytes: Vec<u8> = row.try_get("", "document").unwrap();
        for needle in needles {
            let found = bytes.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle.as_bytes()));
            assert!(!found, "a document holds {needle:?} in plaintext");
        }
    }
    // No column could hold plaintext: ids, times and the ciphertext only.
    for table in ["signatures", "withdrawals"] {
        let sql = "select distinct data_type from information_schema.columns \
                   where table_schema = 'consent' and table_name = $1 order by 1";
        let types: Vec<String> = query(&p.consent_admin, sql, vec![table.into()])
            .await
            .iter()
            .map(|r| r.try_get("", "data_type").unwrap())
            .collect();
        let expected: &[&str] = match table {
            "signatures" => &["bytea", "timestamp with time zone", "uuid"],
            _ => &["timestamp with time zone", "uuid"],
        };
        assert_eq!(types, expected, "{table}");
    }
    let sql = "select count(*) as n from consent.signatures where tenant_id = $1";
    let theirs = query(&p.consent_admin, sql, vec![Uuid::from(b.tenant).into()]).await;
    assert_eq!(theirs[0].try_get::<i64>("", "n").unwrap(), 0, "the other practice has none");
}

#[tokio::test]
async fn a_document_copied_to_another_clients_row_or_another_practice_does_not_decrypt() {
    // Arrange: A's signed document copied, as superuser, into a new row of B's (same
    // practice), and into the other practice under A's own id and client.
    let p = spawn().await;
    let a = p.practice().await;
    let other = p.practice().await;
    let (_, signed) = p.sign(&a.client, a.tenant, "release-of-information").await;
    let id: Uuid = signed["id"].as_str().unwrap().parse().unwrap();
    let copy = "insert into consent.signatures (tenant_id, id, client_id, signed_at, document) \
                select $2, $3, $4, signed_at, document from consent.signatures where tenant_id = $1 and id = $5";
    let to_neighbour = vec![
        Uuid::from(a.tenant).into(),
        Uuid::from(a.tenant).into(),
        Uuid::now_v7().into(),
        Uuid::from(a.other_client.user).into(),
        id.into(),
    ];
    exec(&p.consent_admin, copy, to_neighbour).await.unwrap();
    let to_other_practice = vec![
        Uuid::from(a.tenant).into(),
        Uuid::from(other.tenant).into(),
        id.into(),
        Uuid::from(a.client.user).into(),
        id.into(),
    ];
    exec(&p.consent_admin, copy, to_other_practice).await.unwrap();

    // Act
    let (neighbour, neighbour_body) =
        p.call(&a.other_client, Method::GET, &paths::signatures(a.tenant, a.other_client.user), None).await;
    let (readiness, readiness_body) =
        p.call(&a.staff, Method::GET, &paths::readiness(a.tenant, a.other_client.user), None).await;
    let (foreign, foreign_body) =
        p.call(&other.admin, Method::GET, &paths::signatures(other.tenant, a.client.user), None).await;

    // Assert: an error with nothing of the document, never A's document under B's name.
    for (status, body) in [(neighbour, &neighbour_body), (readiness, &readiness_body), (foreign, &foreign_body)] {
        assert_eq!((status, code(body)), (StatusCode::INTERNAL_SERVER_ERROR, "CONSENT_INTERNAL"), "{body}");
        assert!(!body.to_string().contains("Casey"), "{body}");
        assert!(body.get("signatures").is_none() && body.get("ready_to_book").is_none(), "{body}");
    }
    let (status, own) = p.call(&a.client, Method::GET, &paths::signatures(a.tenant, a.client.user), None).await;
    assert_eq!((status, own["signatures"].as_array().unwrap().len()), (StatusCode::OK, 1), "A's own still reads");
}
