use reqwest::StatusCode;
use tp_records_api::chart::Chart;

use crate::harness::{code, demographics, spawn};

#[tokio::test]
async fn staff_record_demographics_and_read_them_back_trimmed() {
    // Arrange
    let p = spawn().await;
    let tenant = p.tenant().await;
    let staff = p.person(tenant, &["staff"]).await;
    let client = p.person(tenant, &["client"]).await;
    let mut input = demographics("  Zora   Quixote ");
    input.preferred_name = Some("   ".to_owned());

    // Act
    let (put_status, put_body) = p.put(&staff, tenant, client.user, &input).await;
    let (get_status, get_body) = p.chart(&staff, tenant, client.user).await;

    // Assert: what was stored is what was meant, and the read returns exactly that.
    assert_eq!(put_status, StatusCode::OK, "{put_body}");
    assert_eq!(get_status, StatusCode::OK, "{get_body}");
    let written: Chart = serde_json::from_value(put_body).unwrap();
    let read: Chart = serde_json::from_value(get_body).unwrap();
    assert_eq!(written, read);
    let stored = read.demographics.unwrap();
    assert_eq!(stored.legal_name, "Zora   Quixote");
    assert_eq!(stored.preferred_name, None);
    assert_eq!(stored.emergency_contact, input.emergency_contact);
    assert!(read.updated_at.is_some());
}

#[tokio::test]
async fn a_chart_nobody_filled_in_reads_as_no_demographics() {
    let p = spawn().await;
    let tenant = p.tenant().await;
    let admin = p.person(tenant, &["practice_admin"]).await;
    let client = p.person(tenant, &["client"]).await;

    let (status, body) = p.chart(&admin, tenant, client.user).await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["client_id"], client.user.to_string());
    assert!(body["demographics"].is_null(), "{body}");
    assert!(body["updated_at"].is_null(), "{body}");
}

#[tokio::test]
async fn invalid_demographics_are_refused_naming_the_field_and_change_nothing() {
    let p = spawn().await;
    let tenant = p.tenant().await;
    let staff = p.person(tenant, &["staff"]).await;
    let client = p.person(tenant, &["client"]).await;
    let tomorrow = chrono::Utc::now().date_naive().succ_opt().unwrap();
    let cases: Vec<(&str, tp_records_api::chart::Demographics)> = vec![
        ("legal_name", demographics("")),
        ("legal_name", demographics(&"x".repeat(201))),
        ("date_of_birth", {
            let mut d = demographics("Zora Quixote");
            d.date_of_birth = Some(tomorrow);
            d
        }),
        ("email", {
            let mut d = demographics("Zora Quixote");
            d.email = Some("zora.example.test".into());
            d
        }),
        ("phone", {
            let mut d = demographics("Zora Quixote");
            d.phone = Some("x".repeat(40));
            d
        }),
    ];

    for (field, input) in cases {
        let (status, body) = p.put(&staff, tenant, client.user, &input).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{field}: {body}");
        assert_eq!(code(&body), "RECORDS_INVALID_INPUT", "{field}");
        assert!(body["error"]["message"].as_str().unwrap().contains(field), "{field}: {body}");
    }
    let (status, body) = p
        .call(
            &staff,
            reqwest::Method::PUT,
            &tp_records_api::paths::demographics(tenant, client.user),
            Some(serde_json::json!({"name": 1})),
        )
        .await;
    assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "RECORDS_INVALID_INPUT"));

    let (_, chart) = p.chart(&staff, tenant, client.user).await;
    assert!(chart["demographics"].is_null(), "nothing was stored: {chart}");
}
