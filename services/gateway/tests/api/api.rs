//! The API as a developer meets it: the caller, the SDL, GraphiQL, and what an anonymous
//! caller gets.

use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{codes, spawn};

#[tokio::test]
async fn me_answers_from_the_token_for_a_signed_in_clinician() {
    // Arrange
    let platform = spawn().await;
    let tenant = platform.tenant().await;
    let clinician = platform.person(tenant, &["clinician"]).await;

    // Act
    let query = "{ me { id kind tenantId roles } }";
    let (status, body) = platform.gql(Some(&clinician.token), query, json!({})).await;

    // Assert
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["me"]["id"], clinician.user.to_string(), "{body}");
    assert_eq!(body["data"]["me"]["kind"], "PERSON");
    assert_eq!(body["data"]["me"]["tenantId"], tenant.to_string());
    assert_eq!(body["data"]["me"]["roles"], json!(["CLINICIAN"]));
}

#[tokio::test]
async fn anonymous_callers_get_unauthenticated_and_no_data() {
    let platform = spawn().await;
    let (status, body) = platform.gql(None, "{ me { id } }", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"], serde_json::Value::Null, "{body}");
    assert_eq!(codes(&body), ["UNAUTHENTICATED"]);
}

#[tokio::test]
async fn the_sdl_is_published_and_graphiql_is_off_outside_dev() {
    let platform = spawn().await;
    let sdl = platform.gateway().get("/schema.graphql").await.text().await.unwrap();
    assert!(sdl.contains("type Query"), "{sdl}");
    assert!(sdl.contains("careTeamChanges"), "subscriptions are in the SDL");
    // Tests run with environment=test: no GraphiQL page.
    assert_eq!(platform.gateway().get("/graphql").await.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn a_practice_admin_reads_the_tenant_settings_and_the_care_team_with_names() {
    // Arrange
    let platform = spawn().await;
    let tenant = platform.tenant().await;
    let admin = platform.person(tenant, &["practice_admin"]).await;
    let clinician = platform.person(tenant, &["clinician"]).await;
    let client = platform.person(tenant, &["client"]).await;
    let assign = "mutation($a: ID!, $b: ID!) { assignCareTeam(clinicianId: $a, clientId: $b) { clinicianId } }";
    let vars = json!({ "a": clinician.user.to_string(), "b": client.user.to_string() });
    let (_, body) = platform.gql(Some(&admin.token), assign, vars).await;
    assert_eq!(body["data"]["assignCareTeam"]["clinicianId"], clinician.user.to_string(), "{body}");

    // Act
    let query =
        "{ tenant { id policy { idleTimeoutSecs } } careTeam { clinician { id displayName email } client { id } } }";
    let (_, body) = platform.gql(Some(&admin.token), query, json!({})).await;

    // Assert
    assert_eq!(body["data"]["tenant"]["id"], tenant.to_string(), "{body}");
    let team = &body["data"]["careTeam"];
    assert_eq!(team.as_array().map(Vec::len), Some(1), "{body}");
    assert_eq!(team[0]["clinician"]["id"], clinician.user.to_string());
    assert_eq!(team[0]["clinician"]["displayName"], "Test Person");
    assert!(team[0]["clinician"]["email"].as_str().is_some_and(|e| e.ends_with("@example.test")), "{body}");
    assert_eq!(team[0]["client"]["id"], client.user.to_string());
}
