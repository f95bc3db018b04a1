//! Reading signed documents: the client their own, a practice admin any client of the
//! practice, nobody else; newest first; each read audited with its count.

use reqwest::{Method, StatusCode};
use serde_json::json;
use tp_consent_api::paths;
use uuid::Uuid;

use crate::harness::{code, spawn};

#[tokio::test]
async fn the_client_and_practice_admins_read_signed_documents_newest_first_and_nobody_else_does() {
    // Arrange
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;
    let (_, first) = p.sign(&a.client, a.tenant, "informed-consent").await;
    let (_, second) = p.sign(&a.client, a.tenant, "telehealth").await;
    p.sign(&a.other_client, a.tenant, "recording").await;
    let list = paths::signatures(a.tenant, a.client.user);
    let one = paths::signature(a.tenant, a.client.user, first["id"].as_str().unwrap().parse().unwrap());

    for who in [&a.client, &a.admin] {
        // Act
        let (status, body) = p.call(who, Method::GET, &list, None).await;
        let (one_status, one_body) = p.call(who, Method::GET, &one, None).await;

        // Assert
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body, json!({ "signatures": [second, first] }), "newest first, this client's only");
        assert_eq!((one_status, &one_body), (StatusCode::OK, &first));
    }
    for who in [&a.clinician, &a.staff, &a.other_client] {
        let (status, body) = p.call(who, Method::GET, &list, None).await;
        assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "CONSENT_FORBIDDEN"), "{body}");
        assert_eq!(p.call(who, Method::GET, &one, None).await.0, StatusCode::FORBIDDEN);
    }
    for who in [&b.admin, &b.client] {
        assert_eq!(p.call(who, Method::GET, &list, None).await.0, StatusCode::NOT_FOUND);
        assert_eq!(p.call(who, Method::GET, &one, None).await.0, StatusCode::NOT_FOUND);
    }
    // A signature is found only under its own client.
    let elsewhere = paths::signature(a.tenant, a.other_client.user, first["id"].as_str().unwrap().parse().unwrap());
    assert_eq!(p.call(&a.admin, Method::GET, &elsewhere, None).await.0, StatusCode::NOT_FOUND);
    let unknown = paths::signature(a.tenant, a.client.user, Uuid::now_v7());
    assert_eq!(p.call(&a.client, Method::GET, &unknown, None).await.0, StatusCode::NOT_FOUND);
    let reads = p.details(a.tenant, "consent.document.read").await;
    let expected_reads = [
        json!({ "documents": "2" }),
        json!({ "signature_id": first["id"] }),
        json!({ "documents": "2" }),
        json!({ "signature_id": first["id"] }),
    ];
    assert_eq!(reads, expected_reads, "each successful read audited with its count");
}
