//! Medications: free text recorded and corrected by the care team's clinicians, read by the
//! care team and the client, bounded input, ciphertext at rest, and the audit trail.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tp_records_api::paths;
use uuid::Uuid;

use crate::care_team::{care_team, holds};
use crate::harness::{code, exec, query};

fn medication(name: &str) -> Value {
    json!({ "name": name, "dose": "50 mg", "frequency": "once daily", "prescriber": "Dr Okonkwo-Vance",
            "started_on": "2024-01-15", "stopped_on": null })
}

#[tokio::test]
async fn a_medication_is_recorded_stopped_and_read_by_the_client() {
    // Arrange
    let s = care_team().await;
    let path = paths::medications(s.tenant, s.client.user);

    // Act
    let (status, added) = s.call(&s.clinician, Method::POST, &path, Some(medication("Sertraline"))).await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    let id: Uuid = added["id"].as_str().unwrap().parse().unwrap();
    let mut stopped = medication("Sertraline");
    stopped["stopped_on"] = json!("2024-06-30");
    let one = paths::medication(s.tenant, s.client.user, id);
    let (status, updated) = s.call(&s.clinician, Method::PUT, &one, Some(stopped)).await;

    // Assert
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!((updated["stopped_on"].as_str(), updated["dose"].as_str()), (Some("2024-06-30"), Some("50 mg")));
    let (status, list) = s.call(&s.client, Method::GET, &path, None).await;
    assert_eq!((status, &list["medications"]), (StatusCode::OK, &json!([updated])));
    let actions = s.actions("success").await;
    for action in ["records.medication.added", "records.medication.updated", "records.medication.read"] {
        assert!(actions.iter().any(|a| a == action), "{action} missing in {actions:?}");
    }
}

#[tokio::test]
async fn bad_input_is_400_and_staff_and_other_practices_reach_nothing() {
    let s = care_team().await;
    let path = paths::medications(s.tenant, s.client.user);
    let mut backwards = medication("Sertraline");
    backwards["stopped_on"] = json!("2023-01-01");
    let mut nameless = medication(" ");
    nameless["dose"] = json!("50 mg");
    let too_long = medication(&"x".repeat(201));
    for bad in [backwards, nameless, too_long, json!({ "name": "only a name" })] {
        let (status, body) = s.call(&s.clinician, Method::POST, &path, Some(bad.clone())).await;
        assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "RECORDS_INVALID_INPUT"), "{bad}: {body}");
    }
    let staff = s.person(&["staff"]).await;
    assert_eq!(s.call(&staff, Method::GET, &path, None).await.0, StatusCode::FORBIDDEN);
    assert_eq!(s.call(&staff, Method::POST, &path, Some(medication("X"))).await.0, StatusCode::FORBIDDEN);
    let admin = s.admin_on_team().await;
    assert_eq!(s.call(&admin, Method::GET, &path, None).await.0, StatusCode::OK);
    assert_eq!(s.call(&admin, Method::POST, &path, Some(medication("X"))).await.0, StatusCode::FORBIDDEN);
    let stranger = s.p.person(s.other, &["clinician"]).await;
    let (status, body) = s.call(&stranger, Method::GET, &path, None).await;
    assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "RECORDS_NOT_FOUND"));
    let rows = query(&s.p.records_admin, "select count(*) as n from records.medications", vec![]).await;
    assert_eq!(rows[0].try_get::<i64>("", "n").unwrap(), 0);
}

#[tokio::test]
async fn raw_rows_hold_no_plaintext_and_a_copy_in_another_practice_does_not_decrypt() {
    // Arrange
    let s = care_team().await;
    let path = paths::medications(s.tenant, s.client.user);
    s.call(&s.clinician, Method::POST, &path, Some(medication("Zolpidemix"))).await;
    let rows = query(&s.p.records_admin, "select body from records.medications", vec![]).await;
    let bytes: Vec<u8> = rows[0].try_get("", "body").unwrap();
    for needle in ["Zolpidemix", "50 mg", "once daily", "Okonkwo", "2024-01-15"] {
        assert!(!holds(&bytes, needle), "{needle} in plaintext");
    }

    // Act: the row copied into the other practice, same client id, on a clinician's team there.
    let sql = "insert into records.medications (tenant_id, id, client_id, body, recorded_by, updated_by) \
               select $1, id, client_id, body, recorded_by, updated_by from records.medications";
    exec(&s.p.records_admin, sql, vec![Uuid::from(s.other).into()]).await;
    let theirs = s.p.person(s.other, &["clinician"]).await;
    s.p.assign(s.other, theirs.user, s.client.user).await;
    let (status, body) = s.call(&theirs, Method::GET, &paths::medications(s.other, s.client.user), None).await;

    // Assert: the other practice's key cannot open it.
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
    assert!(!body.to_string().contains("Zolpidemix"));
}
