//! Identity's events on Redis pub/sub: published on the practice's own channel after each
//! membership and care-team change commits, ids only, and never on another practice's.

#![expect(clippy::expect_used, reason = "test helpers: a failed subscription must stop the test where it failed")]

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::json;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};
use tp_identity_api::events::{CHANNEL_PATTERN, Event, EventKind, channel};
use tp_testkit::TestEnv;
use tp_testkit::smtp::SmtpSink;

use super::harness::admin_app_with_mail;

/// Subscribes to every tenant's identity events (as the gateway does) and hands over each
/// `(channel, payload)`. A plain connection on its own thread: the subscription is in place
/// before this returns, and lives until the receiver is dropped.
fn subscribe() -> UnboundedReceiver<(String, String)> {
    let (tx, rx) = unbounded_channel();
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let client = redis::Client::open(TestEnv::get().redis_url()).expect("redis url");
        let mut connection = client.get_connection().expect("redis connection");
        connection.set_read_timeout(Some(Duration::from_millis(200))).expect("read timeout");
        let mut pubsub = connection.as_pubsub();
        pubsub.psubscribe(CHANNEL_PATTERN).expect("psubscribe");
        ready_tx.send(()).expect("ready");
        while !tx.is_closed() {
            match pubsub.get_message() {
                Ok(msg) => {
                    let payload: String = msg.get_payload().expect("text payload");
                    let _ = tx.send((msg.get_channel_name().to_owned(), payload));
                }
                Err(err) if err.is_timeout() => {}
                Err(err) => panic!("subscription failed: {err}"),
            }
        }
    });
    ready_rx.recv_timeout(Duration::from_secs(10)).expect("subscribed");
    rx
}

/// Every identity event that arrives within `wait`, with its channel.
async fn received(rx: &mut UnboundedReceiver<(String, String)>, wait: Duration) -> Vec<(String, Event)> {
    let mut events = Vec::new();
    let deadline = tokio::time::Instant::now() + wait;
    while let Ok(Some((name, payload))) = tokio::time::timeout_at(deadline, rx.recv()).await {
        events.push((name, serde_json::from_str(&payload).expect("an Event")));
    }
    events
}

/// The events of `received` on `wanted` (other tests' practices publish too).
fn on(received: &[(String, Event)], wanted: &str) -> Vec<Event> {
    received.iter().filter(|(name, _)| name == wanted).map(|(_, event)| event.clone()).collect()
}

#[tokio::test]
async fn a_care_team_assignment_is_published_on_the_practices_channel() {
    // Arrange
    let smtp = SmtpSink::start().await;
    let app = admin_app_with_mail(&smtp).await;
    let tenant = app.create_tenant("events").await;
    let admin = app.token_of(&app.member(tenant, &["practice_admin"]).await).await;
    let (clinician, client) = (app.member(tenant, &["clinician"]).await, app.member(tenant, &["client"]).await);
    let mut rx = subscribe();

    // Act
    let pair = json!({ "clinician_id": clinician.user, "client_id": client.user });
    let (status, body) = app.call(&admin, Method::POST, &format!("/v1/tenants/{tenant}/care-team"), Some(pair)).await;

    // Assert
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let events = on(&received(&mut rx, Duration::from_secs(2)).await, &channel(tenant));
    assert_eq!(events.len(), 1, "{events:?}");
    let event = &events[0];
    assert_eq!(
        (event.tenant_id, event.kind, event.user_id, event.client_id),
        (tenant, EventKind::CareTeamAssigned, Some(clinician.user), Some(client.user))
    );
}

#[tokio::test]
async fn every_membership_and_care_team_change_is_published_and_never_on_another_practices_channel() {
    // Arrange
    let smtp = SmtpSink::start().await;
    let app = admin_app_with_mail(&smtp).await;
    let (a, b) = (app.create_tenant("events-a").await, app.create_tenant("events-b").await);
    let admin = app.token_of(&app.member(a, &["practice_admin"]).await).await;
    app.member(b, &["clinician"]).await;
    let (clinician, client) = (app.member(a, &["clinician"]).await, app.member(a, &["client"]).await);
    let mut rx = subscribe();
    let t = format!("/v1/tenants/{a}");
    let pair = json!({ "clinician_id": clinician.user, "client_id": client.user });

    // Act
    let invite = json!({ "email": "new.person@example.test", "roles": ["staff"] });
    let roles = json!({ "roles": ["clinician", "staff"] });
    let steps = [
        (Method::POST, format!("{t}/invites"), Some(invite), StatusCode::ACCEPTED),
        (Method::POST, format!("{t}/care-team"), Some(pair.clone()), StatusCode::NO_CONTENT),
        (Method::DELETE, format!("{t}/care-team"), Some(pair), StatusCode::NO_CONTENT),
        (Method::PUT, format!("{t}/members/{}/roles", clinician.user), Some(roles), StatusCode::OK),
        (Method::DELETE, format!("{t}/members/{}", client.user), None, StatusCode::NO_CONTENT),
    ];
    for (method, path, body, expected) in steps {
        let (status, answer) = app.call(&admin, method, &path, body).await;
        assert_eq!(status, expected, "{path}: {answer}");
    }

    // Assert
    let all = received(&mut rx, Duration::from_secs(2)).await;
    let events = on(&all, &channel(a));
    let seen: Vec<_> = events.iter().map(|e| (e.kind, e.user_id, e.client_id)).collect();
    let expected = vec![
        (EventKind::MemberInvited, None, None),
        (EventKind::CareTeamAssigned, Some(clinician.user), Some(client.user)),
        (EventKind::CareTeamUnassigned, Some(clinician.user), Some(client.user)),
        (EventKind::MemberRolesChanged, Some(clinician.user), None),
        (EventKind::MemberRemoved, Some(client.user), None),
    ];
    assert_eq!(seen, expected);
    assert!(events.iter().all(|e| e.tenant_id == a));
    // The same subscription saw every channel: practice B's got nothing.
    assert!(on(&all, &channel(b)).is_empty());
    assert!(all.iter().all(|(name, e)| *name == channel(e.tenant_id)), "each event on its own practice's channel");
}
