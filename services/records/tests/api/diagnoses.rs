//! Diagnoses: ICD-10-CM codes checked and normalised, who may read and write, ciphertext at
//! rest bound to its row, and the audit trail.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tp_records_api::paths;
use uuid::Uuid;

use crate::care_team::{CareTeam, care_team, holds};
use crate::harness::{code, exec, query};

fn diagnosis(code: &str, description: &str) -> Value {
    json!({ "code": code, "description": description, "status": "active", "onset_date": "2023-04-01" })
}

impl CareTeam {
    fn diagnoses(&self) -> String {
        paths::diagnoses(self.tenant, self.client.user)
    }

    async fn add_diagnosis(&self, body: Value) -> Uuid {
        let (status, body) = self.call(&self.clinician, Method::POST, &self.diagnoses(), Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["id"].as_str().unwrap().parse().unwrap()
    }
}

#[tokio::test]
async fn a_clinician_records_and_updates_a_diagnosis_and_the_client_reads_it() {
    // Arrange
    let s = care_team().await;

    // Act: recorded in lower case, then resolved.
    let id = s.add_diagnosis(diagnosis(" f41.1 ", "Generalized anxiety disorder")).await;
    let mut changed = diagnosis("F41.1", "Generalized anxiety disorder");
    changed["status"] = json!("resolved");
    let path = paths::diagnosis(s.tenant, s.client.user, id);
    let (status, updated) = s.call(&s.clinician, Method::PUT, &path, Some(changed)).await;

    // Assert
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!((updated["code"].as_str(), updated["status"].as_str()), (Some("F41.1"), Some("resolved")));
    assert_eq!(updated["recorded_by"], s.clinician.user.to_string());
    let (status, list) = s.call(&s.client, Method::GET, &s.diagnoses(), None).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["diagnoses"], json!([updated]));
    let actions = s.actions("success").await;
    for action in ["records.diagnosis.added", "records.diagnosis.updated", "records.diagnosis.read"] {
        assert!(actions.iter().any(|a| a == action), "{action} missing in {actions:?}");
    }
    assert!(s.p.events(s.other).await.is_empty());
}

#[tokio::test]
async fn a_code_of_the_wrong_shape_is_400_and_nothing_is_stored() {
    let s = care_team().await;
    for bad in ["F4", "41.1", "F41.", "F41.12345", "F41-1", "F41.1; drop table", ""] {
        let (status, body) = s.call(&s.clinician, Method::POST, &s.diagnoses(), Some(diagnosis(bad, "x"))).await;
        assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "RECORDS_INVALID_INPUT"), "{bad:?}: {body}");
        assert!(!body.to_string().contains("drop table"), "the value is echoed: {body}");
    }
    let mut future = diagnosis("F33.0", "Major depressive disorder, recurrent, mild");
    future["onset_date"] = json!("2999-01-01");
    let (status, _) = s.call(&s.clinician, Method::POST, &s.diagnoses(), Some(future)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = s.call(&s.clinician, Method::POST, &s.diagnoses(), Some(json!({ "code": "F41.1" }))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let rows = query(&s.p.records_admin, "select count(*) as n from records.diagnoses", vec![]).await;
    assert_eq!(rows[0].try_get::<i64>("", "n").unwrap(), 0);
}

#[tokio::test]
async fn the_care_team_and_the_client_read_and_only_its_clinicians_write() {
    // Arrange
    let s = care_team().await;
    let id = s.add_diagnosis(diagnosis("Z63.0", "Relationship distress with spouse")).await;
    let colleague = s.person(&["clinician"]).await;
    s.p.assign(s.tenant, colleague.user, s.client.user).await;
    let outsider = s.person(&["clinician"]).await;
    let staff = s.person(&["staff"]).await;
    let admin = s.person(&["practice_admin"]).await;
    let another_client = s.person(&["client"]).await;
    let write = Some(diagnosis("F41.1", "x"));

    // Assert: a colleague on the team reads and writes; the client reads their own only.
    assert_eq!(s.call(&colleague, Method::GET, &s.diagnoses(), None).await.0, StatusCode::OK);
    assert_eq!(s.call(&colleague, Method::POST, &s.diagnoses(), write.clone()).await.0, StatusCode::CREATED);
    assert_eq!(s.call(&s.client, Method::GET, &s.diagnoses(), None).await.0, StatusCode::OK);
    assert_eq!(s.call(&s.client, Method::POST, &s.diagnoses(), write.clone()).await.0, StatusCode::FORBIDDEN);
    // Off the team, staff (minimum necessary), an admin off the team, another client: 403.
    for who in [&outsider, &staff, &admin, &another_client] {
        let (status, body) = s.call(who, Method::GET, &s.diagnoses(), None).await;
        assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "RECORDS_FORBIDDEN"), "{body}");
        assert_eq!(s.call(who, Method::POST, &s.diagnoses(), write.clone()).await.0, StatusCode::FORBIDDEN);
    }
    // An admin on the team reads but does not write clinical content.
    s.p.assign(s.tenant, admin.user, s.client.user).await;
    assert_eq!(s.call(&admin, Method::GET, &s.diagnoses(), None).await.0, StatusCode::OK);
    assert_eq!(s.call(&admin, Method::POST, &s.diagnoses(), write.clone()).await.0, StatusCode::FORBIDDEN);
    // A diagnosis id under another client of the clinician: not found.
    let second = s.person(&["client"]).await;
    s.p.assign(s.tenant, s.clinician.user, second.user).await;
    let path = paths::diagnosis(s.tenant, second.user, id);
    assert_eq!(s.call(&s.clinician, Method::PUT, &path, write.clone()).await.0, StatusCode::NOT_FOUND);
    // Another practice: 404.
    let stranger = s.p.person(s.other, &["clinician"]).await;
    let (status, body) = s.call(&stranger, Method::GET, &s.diagnoses(), None).await;
    assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "RECORDS_NOT_FOUND"));
    // Refusals are audited as denied.
    assert!(s.actions("denied").await.iter().filter(|a| a.starts_with("records.diagnosis.")).count() >= 8);
}

#[tokio::test]
async fn raw_rows_hold_no_plaintext_and_a_copied_body_does_not_decrypt() {
    // Arrange: two diagnoses of two clients of the same clinician.
    let s = care_team().await;
    s.add_diagnosis(diagnosis("F41.1", "Quetzalcoatl anxiety")).await;
    let second = s.person(&["client"]).await;
    s.p.assign(s.tenant, s.clinician.user, second.user).await;
    let path = paths::diagnoses(s.tenant, second.user);
    let (status, _) = s.call(&s.clinician, Method::POST, &path, Some(diagnosis("F33.0", "Plain"))).await;
    assert_eq!(status, StatusCode::CREATED);

    // Assert: no code, text or date at rest.
    for row in query(&s.p.records_admin, "select body from records.diagnoses", vec![]).await {
        let bytes: Vec<u8> = row.try_get("", "body").unwrap();
        for needle in ["F41.1", "F33.0", "Quetzalcoatl", "2023-04-01", "active"] {
            assert!(!holds(&bytes, needle), "{needle} in plaintext");
        }
    }
    // Act: the second client's row gets the first one's ciphertext.
    let sql = "update records.diagnoses b set body = a.body from records.diagnoses a \
               where a.client_id = $1 and b.client_id = $2";
    exec(&s.p.records_admin, sql, vec![Uuid::from(s.client.user).into(), Uuid::from(second.user).into()]).await;
    let (status, body) = s.call(&s.clinician, Method::GET, &path, None).await;
    assert_eq!((status, code(&body)), (StatusCode::INTERNAL_SERVER_ERROR, "RECORDS_INTERNAL"), "{body}");
    assert!(!body.to_string().contains("Quetzalcoatl"));
}
