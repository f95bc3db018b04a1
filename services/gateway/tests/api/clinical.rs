//! The clinical chart through the gateway: a clinician records diagnoses, a plan and
//! medications that the client reads as fields of `Client`; the client requests an
//! amendment, the clinician declines it, the client reads why. Staff and another practice
//! read none of it.

use serde_json::{Value, json};

use crate::harness::{Person, Platform, codes, spawn};

const RECORD: &str = r#"mutation($id: ID!) {
    addDiagnosis(clientId: $id, input: {code: "f41.1", description: "Generalized anxiety disorder", status: ACTIVE, onsetDate: "2023-04-01"}) { id code }
    setTreatmentPlan(clientId: $id, input: {problem: "Worry", goals: [{description: "Sleep", objective: "6 of 7 nights", targetDate: "2030-03-01", status: ACTIVE}]}) { version }
    addMedication(clientId: $id, input: {name: "Sertraline", dose: "50 mg", frequency: "daily"}) { id }
}"#;
const READ: &str = "query($id: ID!) { client(id: $id) { diagnoses { code status recordedBy } \
    treatmentPlan { problem version goals { objective status } } medications { name dose stoppedOn } \
    amendmentRequests { whatIsWrong status reason } } }";

async fn gql(platform: &Platform, who: &Person, query: &str, vars: Value) -> Value {
    platform.gql(Some(&who.token), query, vars).await.1
}

#[tokio::test]
async fn the_care_team_records_the_clinical_chart_and_the_client_reads_it_and_requests_an_amendment() {
    // Arrange
    let platform = spawn().await;
    let tenant = platform.tenant().await;
    let clinician = platform.person(tenant, &["clinician"]).await;
    let client = platform.person(tenant, &["client"]).await;
    platform.assign(tenant, clinician.user, client.user).await;
    let vars = json!({ "id": client.user.to_string() });

    // Act
    let body = gql(&platform, &clinician, RECORD, vars.clone()).await;
    assert!(body["errors"].is_null(), "{body}");
    assert_eq!(body["data"]["addDiagnosis"]["code"], "F41.1");
    let ask = r#"mutation($id: ID!) { requestAmendment(clientId: $id, input: {whatIsWrong: "Onset was 2022", shouldSay: "2022-04-01", item: "F41.1"}) { id status } }"#;
    let body = gql(&platform, &client, ask, vars.clone()).await;
    assert_eq!(body["data"]["requestAmendment"]["status"], "PENDING", "{body}");
    let request = body["data"]["requestAmendment"]["id"].clone();
    let review = r#"mutation($id: ID!, $request: ID!) { reviewAmendment(clientId: $id, requestId: $request, input: {decision: DECLINED, reason: "Intake says 2023"}) { status reviewedBy } }"#;
    let body = gql(&platform, &clinician, review, json!({ "id": client.user.to_string(), "request": request })).await;
    assert_eq!(body["data"]["reviewAmendment"]["status"], "DECLINED", "{body}");

    // Assert: the client reads the whole clinical chart and the decision.
    let body = gql(&platform, &client, READ, vars.clone()).await;
    assert!(body["errors"].is_null(), "{body}");
    let chart = &body["data"]["client"];
    assert_eq!(chart["diagnoses"][0]["code"], "F41.1");
    assert_eq!(chart["diagnoses"][0]["recordedBy"], clinician.user.to_string());
    assert_eq!(chart["treatmentPlan"]["goals"][0]["objective"], "6 of 7 nights");
    assert_eq!(chart["medications"][0]["dose"], "50 mg");
    assert_eq!(chart["amendmentRequests"][0]["reason"], "Intake says 2023");

    // Staff get the demographics-level chart at most, never its clinical fields.
    let staff = platform.person(tenant, &["staff"]).await;
    let body = gql(&platform, &staff, READ, vars.clone()).await;
    assert!(codes(&body).iter().all(|c| c == "FORBIDDEN") && !codes(&body).is_empty(), "{body}");
    assert!(!body.to_string().contains("F41.1"), "{body}");
    // Another practice's admin: nothing.
    let other = platform.tenant().await;
    let stranger = platform.person(other, &["practice_admin"]).await;
    let body = gql(&platform, &stranger, READ, vars).await;
    assert!(!codes(&body).is_empty() && !body.to_string().contains("F41.1"), "{body}");
}

#[tokio::test]
async fn a_malformed_icd10_code_is_bad_user_input() {
    let platform = spawn().await;
    let tenant = platform.tenant().await;
    let clinician = platform.person(tenant, &["clinician"]).await;
    let client = platform.person(tenant, &["client"]).await;
    platform.assign(tenant, clinician.user, client.user).await;
    let add = r#"mutation($id: ID!) { addDiagnosis(clientId: $id, input: {code: "F41-1", description: "x", status: ACTIVE}) { id } }"#;
    let body = gql(&platform, &clinician, add, json!({ "id": client.user.to_string() })).await;
    assert_eq!(codes(&body), ["BAD_USER_INPUT"], "{body}");
}

#[tokio::test]
async fn a_substance_use_disorder_flag_goes_through_the_schema_and_an_f10_code_is_one_whatever_it_says() {
    let platform = spawn().await;
    let tenant = platform.tenant().await;
    let clinician = platform.person(tenant, &["clinician"]).await;
    let client = platform.person(tenant, &["client"]).await;
    platform.assign(tenant, clinician.user, client.user).await;
    let vars = json!({ "id": client.user.to_string() });
    let record = r#"mutation($id: ID!) {
        coded: addDiagnosis(clientId: $id, input: {code: "F10.20", description: "Alcohol dependence", status: ACTIVE, sud: false}) { sud }
        plain: addDiagnosis(clientId: $id, input: {code: "F41.1", description: "Anxiety", status: ACTIVE}) { sud }
        flagged: addMedication(clientId: $id, input: {name: "Naltrexone", dose: "50 mg", frequency: "daily", sud: true}) { sud }
        note: createProgressNote(clientId: $id, input: {template: DAP, sections: [{name: "data", text: "x"}], sud: true}) { sud }
    }"#;
    let body = gql(&platform, &clinician, record, vars).await;
    assert!(body["errors"].is_null(), "{body}");
    let data = &body["data"];
    assert_eq!(
        [&data["coded"]["sud"], &data["plain"]["sud"], &data["flagged"]["sud"], &data["note"]["sud"]],
        [true, false, true, true]
    );
}
