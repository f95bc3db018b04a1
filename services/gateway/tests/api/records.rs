//! The records domain through the gateway: a chart's demographics recorded, read back and
//! found by name, within the relationships records enforces.

use serde_json::json;

use crate::harness::{codes, spawn};

const UPDATE: &str = r#"mutation($id: ID!, $name: String!) {
    updateClientDemographics(clientId: $id, input: {legalName: $name, phone: "555-0199",
        emergencyContact: {name: "Sam Doe", phone: "555-0142", relationship: "sibling"}}) {
        id demographics { legalName phone emergencyContact { name } } updatedAt } }"#;
const READ: &str = "query($id: ID!) { client(id: $id) { demographics { legalName phone } } }";

#[tokio::test]
async fn staff_record_demographics_that_the_care_team_and_the_client_read_back() {
    // Arrange
    let platform = spawn().await;
    let tenant = platform.tenant().await;
    let staff = platform.person(tenant, &["staff"]).await;
    let clinician = platform.person(tenant, &["clinician"]).await;
    let client = platform.person(tenant, &["client"]).await;
    platform.assign(tenant, clinician.user, client.user).await;
    let id = client.user.to_string();

    // Act
    let (_, body) = platform.gql(Some(&staff.token), UPDATE, json!({ "id": id, "name": "Ana María Soto" })).await;

    // Assert
    assert!(body["errors"].is_null(), "{body}");
    let chart = &body["data"]["updateClientDemographics"];
    assert_eq!(chart["demographics"]["legalName"], "Ana María Soto");
    assert_eq!(chart["demographics"]["emergencyContact"]["name"], "Sam Doe");
    for reader in [&clinician, &client] {
        let (_, body) = platform.gql(Some(&reader.token), READ, json!({ "id": id })).await;
        assert_eq!(body["data"]["client"]["demographics"]["phone"], "555-0199", "{body}");
    }
}

#[tokio::test]
async fn a_clinician_off_the_care_team_and_another_client_read_nothing() {
    // Arrange
    let platform = spawn().await;
    let tenant = platform.tenant().await;
    let staff = platform.person(tenant, &["staff"]).await;
    let outsider = platform.person(tenant, &["clinician"]).await;
    let other_client = platform.person(tenant, &["client"]).await;
    let client = platform.person(tenant, &["client"]).await;
    let id = client.user.to_string();
    let (_, body) = platform.gql(Some(&staff.token), UPDATE, json!({ "id": id, "name": "Lee Park" })).await;
    assert!(body["errors"].is_null(), "{body}");

    // Act / Assert
    for reader in [&outsider, &other_client] {
        let (_, body) = platform.gql(Some(&reader.token), READ, json!({ "id": id })).await;
        let codes = codes(&body);
        assert!(codes == ["FORBIDDEN"] || codes == ["NOT_FOUND"], "{body}");
        assert!(!body.to_string().contains("Lee Park") && !body.to_string().contains("555-0199"), "{body}");
    }
}

#[tokio::test]
async fn the_front_desk_finds_a_client_by_name_whatever_the_case_and_spacing() {
    // Arrange
    let platform = spawn().await;
    let tenant = platform.tenant().await;
    let staff = platform.person(tenant, &["staff"]).await;
    let client = platform.person(tenant, &["client"]).await;
    let id = client.user.to_string();
    let (_, body) = platform.gql(Some(&staff.token), UPDATE, json!({ "id": id, "name": "Jordan  Q. Rivers" })).await;
    assert!(body["errors"].is_null(), "{body}");
    let search = "query($n: String!) { searchClients(name: $n) { id legalName } }";

    // Act
    let (_, found) = platform.gql(Some(&staff.token), search, json!({ "n": "  jordan q. RIVERS " })).await;
    let (_, empty) = platform.gql(Some(&staff.token), search, json!({ "n": "   " })).await;

    // Assert
    assert_eq!(found["data"]["searchClients"], json!([{ "id": id, "legalName": "Jordan  Q. Rivers" }]), "{found}");
    assert_eq!(codes(&empty), ["BAD_USER_INPUT"], "{empty}");
}
