//! The telehealth room's recording flag follows the client's recording consent: the clinician
//! starts a recording only with it, a withdrawal stops the recording at the next read, a
//! cancellation stops it too. Only the session's two participants enter the room, and only
//! its clinician records.

use reqwest::{Method, StatusCode};
use serde_json::json;
use tp_scheduling_api::paths;
use uuid::Uuid;

use crate::harness::{Platform, Practice, code, hour, slot, spawn, without_consent};

async fn telehealth(p: &Platform, a: &Practice) -> Uuid {
    // Starts within two hours: a session still open (recording refuses an ended one).
    p.booked(&a.staff, a.tenant, slot(&a.client, &a.clinician, (hour(2), hour(3)), "telehealth")).await
}

fn record(on: bool) -> Option<serde_json::Value> {
    Some(json!({ "recording": on }))
}

#[tokio::test]
async fn recording_starts_only_with_the_clients_consent_and_stops_when_it_is_withdrawn() {
    // Arrange
    let p = spawn().await;
    let a = p.practice().await;
    let id = telehealth(&p, &a).await;
    let (room, recording) = (paths::room(a.tenant, id), paths::recording(a.tenant, id));

    // Act / Assert: no consent, no recording.
    let (status, state) = p.call(&a.clinician, Method::GET, &room, None).await;
    assert_eq!(status, StatusCode::OK, "{state}");
    assert_eq!((state["recording_consented"].as_bool(), state["recording"].as_bool()), (Some(false), Some(false)));
    let (status, refused) = p.call(&a.clinician, Method::PUT, &recording, record(true)).await;
    assert_eq!((status, code(&refused)), (StatusCode::CONFLICT, "SCHEDULING_RECORDING_NOT_CONSENTED"));

    // The client consents: the clinician starts; both see it.
    let signature = p.sign(&a.client, a.tenant, "recording").await;
    let (status, started) = p.call(&a.clinician, Method::PUT, &recording, record(true)).await;
    assert_eq!(status, StatusCode::OK, "{started}");
    assert_eq!((started["recording_consented"].as_bool(), started["recording"].as_bool()), (Some(true), Some(true)));
    let (_, seen) = p.call(&a.client, Method::GET, &room, None).await;
    assert_eq!(seen["recording"], true);

    // The client withdraws: the next read stops the recording and says why in the log.
    p.withdraw(&a.client, a.tenant, signature).await;
    let (status, after) = p.call(&a.clinician, Method::GET, &room, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((after["recording_consented"].as_bool(), after["recording"].as_bool()), (Some(false), Some(false)));
    let stored = crate::harness::query(&p.admin, "select recording from scheduling.appointments", vec![]).await;
    assert!(!stored[0].try_get::<bool>("", "recording").unwrap());
    let (status, _) = p.call(&a.clinician, Method::PUT, &recording, record(true)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let reasons: Vec<_> = p.details(a.tenant, "scheduling.recording.stopped").await;
    assert_eq!(reasons, [json!({ "appointment_id": id.to_string(), "reason": "consent_withdrawn" })]);
    assert_eq!(p.details(a.tenant, "scheduling.recording.started").await.len(), 1);
}

#[tokio::test]
async fn only_the_participants_enter_the_room_and_only_its_clinician_records() {
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;
    let colleague = p.person(a.tenant, &["clinician"]).await;
    let id = telehealth(&p, &a).await;
    p.sign(&a.client, a.tenant, "recording").await;
    let (room, recording) = (paths::room(a.tenant, id), paths::recording(a.tenant, id));

    // The client enters but may not record (no RoomsRecord).
    assert_eq!(p.call(&a.client, Method::GET, &room, None).await.0, StatusCode::OK);
    assert_eq!(p.call(&a.client, Method::PUT, &recording, record(true)).await.0, StatusCode::FORBIDDEN);
    // Admins and staff keep the schedule, not the session; a colleague is not in it.
    assert_eq!(p.call(&a.admin, Method::GET, &room, None).await.0, StatusCode::FORBIDDEN);
    assert_eq!(p.call(&a.staff, Method::GET, &room, None).await.0, StatusCode::FORBIDDEN);
    assert_eq!(p.call(&colleague, Method::GET, &room, None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(p.call(&colleague, Method::PUT, &recording, record(true)).await.0, StatusCode::NOT_FOUND);
    // Another practice's clinician: 404 either way.
    assert_eq!(p.call(&b.clinician, Method::GET, &room, None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(p.call(&b.clinician, Method::GET, &paths::room(b.tenant, id), None).await.0, StatusCode::NOT_FOUND);
    // Nothing recorded by any of them.
    let (_, state) = p.call(&a.clinician, Method::GET, &room, None).await;
    assert_eq!(state["recording"], false);

    // An in-person appointment has no room.
    let in_person = p.booked(&a.staff, a.tenant, slot(&a.client, &a.clinician, (hour(5), hour(6)), "in_person")).await;
    let (status, body) = p.call(&a.clinician, Method::GET, &paths::room(a.tenant, in_person), None).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "SCHEDULING_CONFLICT"));
}

#[tokio::test]
async fn cancelling_a_session_stops_its_recording_and_a_cancelled_one_never_records() {
    let p = spawn().await;
    let a = p.practice().await;
    let id = telehealth(&p, &a).await;
    p.sign(&a.client, a.tenant, "recording").await;
    let recording = paths::recording(a.tenant, id);
    assert_eq!(p.call(&a.clinician, Method::PUT, &recording, record(true)).await.0, StatusCode::OK);
    // Idempotent: starting twice changes nothing and logs nothing more.
    assert_eq!(p.call(&a.clinician, Method::PUT, &recording, record(true)).await.0, StatusCode::OK);

    let (status, _) = p.call(&a.client, Method::POST, &paths::cancellation(a.tenant, id), None).await;
    assert_eq!(status, StatusCode::OK);

    let (_, state) = p.call(&a.clinician, Method::GET, &paths::room(a.tenant, id), None).await;
    assert_eq!(state["recording"], false);
    let (status, body) = p.call(&a.clinician, Method::PUT, &recording, record(true)).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "SCHEDULING_CONFLICT"));
    assert_eq!(p.details(a.tenant, "scheduling.recording.started").await.len(), 1);
    let stopped = p.details(a.tenant, "scheduling.recording.stopped").await;
    assert_eq!(stopped, [json!({ "appointment_id": id.to_string(), "reason": "cancelled" })]);
}

#[tokio::test]
async fn with_consent_down_a_recording_stops_but_never_starts() {
    // Arrange: a recording in progress; a second scheduling on the same database, consent unreachable.
    let p = spawn().await;
    let a = p.practice().await;
    let id = telehealth(&p, &a).await;
    p.sign(&a.client, a.tenant, "recording").await;
    let recording = paths::recording(a.tenant, id);
    assert_eq!(p.call(&a.clinician, Method::PUT, &recording, record(true)).await.0, StatusCode::OK);
    let blind = without_consent(&p.scheduling, &p.inner.identity.address).await;

    // Act / Assert: the stop goes through and says nothing it could not check.
    let (status, stopped) = p.call_at(&blind.address, &a.clinician, (Method::PUT, &recording), record(false)).await;
    assert_eq!(status, StatusCode::OK, "{stopped}");
    assert_eq!((stopped["recording"].as_bool(), stopped["recording_consented"].as_bool()), (Some(false), Some(false)));
    let (status, refused) = p.call_at(&blind.address, &a.clinician, (Method::PUT, &recording), record(true)).await;
    assert_eq!((status, code(&refused)), (StatusCode::SERVICE_UNAVAILABLE, "SCHEDULING_UNAVAILABLE"));
    let (_, state) = p.call(&a.clinician, Method::GET, &paths::room(a.tenant, id), None).await;
    assert_eq!(state["recording"], false);
}
