//! The audit log through the gateway: a client sees who accessed their record (person,
//! role, what, when), practice admins search the practice's log.

use serde_json::{Value, json};

use crate::harness::{codes, spawn};

const RECORD: &str =
    r#"mutation($id: ID!) { updateClientDemographics(clientId: $id, input: {legalName: "Rae Lin"}) { id } }"#;
const READ: &str = "query($id: ID!) { client(id: $id) { id } }";
const MY_ACCESS: &str = "{ myRecordAccess(first: 50) { edges { node { action outcome occurredAt \
    actor { id displayName roles } } } pageInfo { hasNextPage } } }";

fn nodes(body: &Value, field: &str) -> Vec<Value> {
    body["data"][field]["edges"].as_array().map(|e| e.iter().map(|e| e["node"].clone()).collect()).unwrap_or_default()
}

#[tokio::test]
async fn a_client_sees_who_accessed_their_record_and_nobody_elses() {
    // Arrange: staff records the chart, the clinician on the care team reads it.
    let platform = spawn().await;
    let tenant = platform.tenant().await;
    let staff = platform.person(tenant, &["staff"]).await;
    let clinician = platform.person(tenant, &["clinician"]).await;
    let client = platform.person(tenant, &["client"]).await;
    let other_client = platform.person(tenant, &["client"]).await;
    platform.assign(tenant, clinician.user, client.user).await;
    let id = json!({ "id": client.user.to_string() });
    let (_, body) = platform.gql(Some(&staff.token), RECORD, id.clone()).await;
    assert!(body["errors"].is_null(), "{body}");
    let (_, body) = platform.gql(Some(&clinician.token), READ, id).await;
    assert!(body["errors"].is_null(), "{body}");

    // Act
    let (_, mine) = platform.gql(Some(&client.token), MY_ACCESS, json!({})).await;
    let (_, theirs) = platform.gql(Some(&other_client.token), MY_ACCESS, json!({})).await;

    // Assert: newest first, each with the person and their role.
    assert!(mine["errors"].is_null(), "{mine}");
    let seen: Vec<(String, String)> = nodes(&mine, "myRecordAccess")
        .iter()
        .map(|n| {
            (
                n["action"].as_str().unwrap_or_default().to_owned(),
                n["actor"]["id"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("records.demographics.read".to_owned(), clinician.user.to_string()),
            ("records.demographics.updated".to_owned(), staff.user.to_string()),
        ],
        "{mine}"
    );
    assert_eq!(nodes(&mine, "myRecordAccess")[0]["actor"]["roles"], json!(["CLINICIAN"]));
    assert_eq!(nodes(&mine, "myRecordAccess")[0]["actor"]["displayName"], "Test Person");
    assert!(nodes(&theirs, "myRecordAccess").is_empty(), "another client's record: {theirs}");
}

#[tokio::test]
async fn practice_admins_search_the_log_and_others_may_not() {
    // Arrange
    let platform = spawn().await;
    let tenant = platform.tenant().await;
    let admin = platform.person(tenant, &["practice_admin"]).await;
    let staff = platform.person(tenant, &["staff"]).await;
    let client = platform.person(tenant, &["client"]).await;
    let (_, body) = platform.gql(Some(&staff.token), RECORD, json!({ "id": client.user.to_string() })).await;
    assert!(body["errors"].is_null(), "{body}");
    let search = "query($s: ID!) { auditEvents(filter: {action: \"records.\", subjectId: $s}) { edges { node { action actorId } } } }";

    // Act
    let (_, found) = platform.gql(Some(&admin.token), search, json!({ "s": client.user.to_string() })).await;
    let (_, refused) = platform.gql(Some(&staff.token), search, json!({ "s": client.user.to_string() })).await;

    // Assert
    let actions: Vec<Value> = nodes(&found, "auditEvents").iter().map(|n| n["action"].clone()).collect();
    assert_eq!(actions, [json!("records.demographics.updated")], "{found}");
    assert_eq!(nodes(&found, "auditEvents")[0]["actorId"], staff.user.to_string());
    assert_eq!(codes(&refused), ["FORBIDDEN"], "{refused}");
}
