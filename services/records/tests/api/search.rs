//! Finding clients by name through the blind index.

use reqwest::StatusCode;

use crate::harness::{code, demographics, spawn};

#[tokio::test]
async fn search_finds_exact_names_whatever_the_case_accents_and_spacing_within_the_practice_only() {
    // Arrange: the same name in two practices, and a near miss.
    let p = spawn().await;
    let a = p.tenant().await;
    let b = p.tenant().await;
    let a_staff = p.person(a, &["staff"]).await;
    let b_staff = p.person(b, &["staff"]).await;
    let a_client = p.person(a, &["client"]).await;
    let near_miss = p.person(a, &["client"]).await;
    let b_client = p.person(b, &["client"]).await;
    p.put(&a_staff, a, a_client.user, &demographics("José  da Silva")).await;
    p.put(&a_staff, a, near_miss.user, &demographics("José Silva")).await;
    p.put(&b_staff, b, b_client.user, &demographics("José da Silva")).await;

    for query in ["josé da silva", "  JOSE   DA SILVA ", "Jose da Silva"] {
        // Act
        let (status, body) = p.search(&a_staff, a, query).await;

        // Assert: exactly A's client, with the name as recorded and the birth date.
        assert_eq!(status, StatusCode::OK, "{query}: {body}");
        let hits = body["clients"].as_array().unwrap();
        assert_eq!(hits.len(), 1, "{query}: {body}");
        assert_eq!(hits[0]["client_id"], a_client.user.to_string());
        assert_eq!(hits[0]["legal_name"], "José  da Silva");
        assert_eq!(hits[0]["date_of_birth"], "1984-02-29");
    }
    let (_, partial) = p.search(&a_staff, a, "Silva").await;
    assert_eq!(partial["clients"], serde_json::json!([]), "no partial matches");
    // B finds only its own client under the same name.
    let (_, b_hits) = p.search(&b_staff, b, "jose da silva").await;
    assert_eq!(b_hits["clients"].as_array().unwrap().len(), 1);
    assert_eq!(b_hits["clients"][0]["client_id"], b_client.user.to_string());
}

#[tokio::test]
async fn search_is_for_staff_and_admins_only_and_needs_a_bounded_name() {
    let p = spawn().await;
    let tenant = p.tenant().await;
    let admin = p.person(tenant, &["practice_admin"]).await;
    let clinician = p.person(tenant, &["clinician"]).await;
    let client = p.person(tenant, &["client"]).await;

    for who in [&clinician, &client] {
        let (status, body) = p.search(who, tenant, "anyone").await;
        assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "RECORDS_FORBIDDEN"), "{body}");
    }
    let (status, body) = p.search(&admin, tenant, "nobody here").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for bad in ["", "   ", &"a".repeat(201)] {
        let (status, body) = p.search(&admin, tenant, bad).await;
        assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "RECORDS_INVALID_INPUT"), "{body}");
    }
}
