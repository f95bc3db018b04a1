//! Live subscriptions through Redis pub/sub: across replicas, filtered per principal,
//! authorized at the start and re-checked per event.

use std::time::Duration;

use serde_json::json;

use crate::harness::{Platform, gql_at, spawn};
use crate::ws::{Next, connect, read, subscribe};

const CARE_TEAM: &str = "subscription { careTeamChanges { change clinicianId clientId } }";
/// Long enough for a published event to arrive; an event that is not meant to arrive is
/// awaited this long too.
const WAIT: Duration = Duration::from_secs(3);

async fn assign(platform: &Platform, gateway: &str, admin: &str, clinician: &str, client: &str) {
    let query = "mutation($a: ID!, $b: ID!) { assignCareTeam(clinicianId: $a, clientId: $b) { clinicianId } }";
    let (_, body) = gql_at(&platform.http, gateway, Some(admin), query, json!({ "a": clinician, "b": client })).await;
    assert!(body["errors"].is_null(), "{body}");
}

#[tokio::test]
async fn a_subscription_on_one_replica_receives_an_event_caused_through_the_other() {
    // Arrange: two gateways in front of the same identity and Redis.
    let platform = spawn().await;
    let second = platform.gateway_with(|f| f).await;
    let tenant = platform.tenant().await;
    let admin = platform.person(tenant, &["practice_admin"]).await;
    let clinician = platform.person(tenant, &["clinician"]).await;
    let client = platform.person(tenant, &["client"]).await;
    let mut watching = subscribe(&second.address, &clinician.token, CARE_TEAM).await;
    // The subscription is registered once the server has answered something on it; give the
    // relay a moment to be subscribed to Redis before the event is caused.
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Act: the change goes through the first replica.
    let (clinician_id, client_id) = (clinician.user.to_string(), client.user.to_string());
    assign(&platform, &platform.gateway().address, &admin.token, &clinician_id, &client_id).await;

    // Assert
    let expected =
        json!({ "careTeamChanges": { "change": "ASSIGNED", "clinicianId": clinician_id, "clientId": client_id } });
    assert_eq!(watching.next(WAIT).await, Next::Data(expected));
}

#[tokio::test]
async fn events_reach_only_the_principals_they_concern() {
    // Arrange
    let platform = spawn().await;
    let tenant = platform.tenant().await;
    let other_tenant = platform.tenant().await;
    let admin = platform.person(tenant, &["practice_admin"]).await;
    let clinician = platform.person(tenant, &["clinician"]).await;
    let colleague = platform.person(tenant, &["clinician"]).await;
    let client = platform.person(tenant, &["client"]).await;
    let other_admin = platform.person(other_tenant, &["practice_admin"]).await;
    let gateway = platform.gateway().address.clone();
    let mut own = subscribe(&gateway, &admin.token, CARE_TEAM).await;
    let mut colleague_sub = subscribe(&gateway, &colleague.token, CARE_TEAM).await;
    let mut other_sub = subscribe(&gateway, &other_admin.token, CARE_TEAM).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Act
    assign(&platform, &gateway, &admin.token, &clinician.user.to_string(), &client.user.to_string()).await;

    // Assert: the practice admin sees it; a clinician not concerned and another practice do not.
    assert!(matches!(own.next(WAIT).await, Next::Data(_)));
    assert_eq!(colleague_sub.next(WAIT).await, Next::Nothing, "another clinician's assignment");
    assert_eq!(other_sub.next(WAIT).await, Next::Nothing, "another practice's event");
}

#[tokio::test]
async fn a_subscription_ends_when_the_session_behind_its_token_is_revoked() {
    // Arrange
    let platform = spawn().await;
    let tenant = platform.tenant().await;
    let admin = platform.person(tenant, &["practice_admin"]).await;
    let watcher = platform.person(tenant, &["practice_admin"]).await;
    let (clinician, client) =
        (platform.person(tenant, &["clinician"]).await, platform.person(tenant, &["client"]).await);
    let gateway = platform.gateway().address.clone();
    let mut sub = subscribe(&gateway, &watcher.token, CARE_TEAM).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Act: the watcher's session is ended (as sign-out does), then an event happens.
    let redis = redis::Client::open(tp_testkit::TestEnv::get().redis_url()).unwrap();
    let mut redis = redis.get_multiplexed_async_connection().await.unwrap();
    let key = format!("{}{}", tp_auth::REVOKED_SESSION_PREFIX, watcher.session);
    let _: () = redis::cmd("SET").arg(&key).arg("1").arg("EX").arg(600).query_async(&mut redis).await.unwrap();
    assign(&platform, &gateway, &admin.token, &clinician.user.to_string(), &client.user.to_string()).await;

    // Assert: no event; the subscription completes.
    assert_eq!(sub.next(WAIT).await, Next::Complete);
}

#[tokio::test]
async fn a_connection_without_a_valid_token_is_refused_and_a_subscription_needs_its_permission() {
    let platform = spawn().await;
    let tenant = platform.tenant().await;
    let gateway = platform.gateway().address.clone();

    // No token, or a bad one: the connection is closed without an ack.
    for payload in [json!({}), json!({ "Authorization": "Bearer not-a-token" })] {
        let mut socket = connect(&gateway, payload.clone()).await;
        let answer = read(&mut socket, WAIT).await;
        assert!(answer.as_ref().is_none_or(|m| m["type"] != "connection_ack"), "{payload}: {answer:?}");
    }

    // Staff may not watch membership changes.
    let staff = platform.person(tenant, &["staff"]).await;
    let mut sub = subscribe(&gateway, &staff.token, "subscription { memberChanges { change } }").await;
    match sub.next(WAIT).await {
        Next::Error(payload) => assert!(payload.to_string().contains("FORBIDDEN"), "{payload}"),
        other => panic!("expected FORBIDDEN, got {other:?}"),
    }
}

#[tokio::test]
async fn each_operation_over_a_websocket_is_admitted_again() {
    // Arrange: a connection admitted with a valid token.
    let platform = spawn().await;
    let tenant = platform.tenant().await;
    let person = platform.person(tenant, &["clinician"]).await;
    let mut connection = subscribe(&platform.gateway().address, &person.token, "{ me { id } }").await;
    let expected = json!({ "me": { "id": person.user.to_string() } });
    assert_eq!(connection.next(WAIT).await, Next::Data(expected));

    // Act: the session ends, then the same connection sends another operation.
    let redis = redis::Client::open(tp_testkit::TestEnv::get().redis_url()).unwrap();
    let mut redis = redis.get_multiplexed_async_connection().await.unwrap();
    let key = format!("{}{}", tp_auth::REVOKED_SESSION_PREFIX, person.session);
    let _: () = redis::cmd("SET").arg(&key).arg("1").arg("EX").arg(600).query_async(&mut redis).await.unwrap();
    connection.start("2", "{ me { id } }").await;

    // Assert: refused, not answered from the connection's old admission.
    let mut answer = connection.next(WAIT).await;
    if answer == Next::Complete {
        answer = connection.next(WAIT).await;
    }
    match answer {
        Next::Error(payload) => assert!(payload.to_string().contains("UNAUTHENTICATED"), "{payload}"),
        other => panic!("expected UNAUTHENTICATED, got {other:?}"),
    }
}
