//! Booking: refused, naming the documents still to sign, until the client signed every
//! document the practice requires (consent asked each time, fail closed); never two
//! overlapping appointments of a clinician or of a client, enforced by the database; ids
//! checked against the practice directory; bad input a clear 400; audited.

use reqwest::{Method, StatusCode};
use serde_json::json;
use tp_scheduling_api::paths;

use crate::harness::{code, hour, scheduling_for, slot, spawn};

#[tokio::test]
async fn booking_is_refused_naming_each_unsigned_required_document_until_the_client_signed_them() {
    // Arrange: practice A requires informed consent and telehealth consent; B requires nothing.
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;
    p.require(&a, &["informed-consent", "telehealth"]).await;
    let body = slot(&a.client, &a.clinician, (hour(24), hour(25)), "telehealth");

    // Act / Assert: nothing signed: both titles, in the practice's order.
    let (status, refused) = p.book(&a.staff, a.tenant, body.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_eq!(code(&refused), "SCHEDULING_CONSENT_REQUIRED");
    assert_eq!(
        refused["error"]["message"],
        "the client must sign these documents before an appointment can be booked: \
         Informed consent to treatment; Consent to telehealth"
    );

    // One signed: the other one only.
    p.sign(&a.client, a.tenant, "informed-consent").await;
    let (status, refused) = p.book(&a.client, a.tenant, body.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(message.ends_with(": Consent to telehealth"), "{message}");

    // Both signed: booked, by the client themself.
    let signed = p.sign(&a.client, a.tenant, "telehealth").await;
    let (status, booked) = p.book(&a.client, a.tenant, body).await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
    assert_eq!(booked["status"], "booked");
    assert_eq!(booked["booked_by"], json!(a.client.user));
    assert_eq!(booked["modality"], "telehealth");

    // A withdrawal counts at the very next booking (no answer is kept).
    p.withdraw(&a.client, a.tenant, signed).await;
    let (status, refused) =
        p.book(&a.staff, a.tenant, slot(&a.client, &a.clinician, (hour(48), hour(49)), "in_person")).await;
    assert_eq!((status, code(&refused)), (StatusCode::CONFLICT, "SCHEDULING_CONSENT_REQUIRED"));

    // Practice B requires nothing: its client books at once.
    let (status, theirs) =
        p.book(&b.staff, b.tenant, slot(&b.client, &b.clinician, (hour(24), hour(25)), "in_person")).await;
    assert_eq!(status, StatusCode::CREATED, "{theirs}");

    // Audited: one booking in A, subject the client, with its id; nothing of B's in A.
    let details = p.details(a.tenant, "scheduling.appointment.booked").await;
    assert_eq!(details, [json!({ "appointment_id": booked["id"], "modality": "telehealth" })]);
    let subjects: Vec<_> = p.events(a.tenant).await.into_iter().filter_map(|(_, _, s)| s).collect();
    assert!(!subjects.contains(&b.client.user.to_string()));
}

#[tokio::test]
async fn the_database_refuses_overlapping_appointments_of_a_clinician_or_of_a_client() {
    // Arrange: no requirement; a second clinician and client.
    let p = spawn().await;
    let a = p.practice().await;
    let colleague = p.person(a.tenant, &["clinician"]).await;
    let first = p.booked(&a.staff, a.tenant, slot(&a.client, &a.clinician, (hour(24), hour(25)), "in_person")).await;

    // Act / Assert: the clinician's overlapping slot, with another client.
    let half_past = hour(24) + chrono::Duration::minutes(30);
    let (status, taken) = p
        .book(
            &a.staff,
            a.tenant,
            slot(&a.other_client, &a.clinician, (half_past, half_past + chrono::Duration::hours(1)), "in_person"),
        )
        .await;
    assert_eq!((status, code(&taken)), (StatusCode::CONFLICT, "SCHEDULING_SLOT_TAKEN"));
    // The client's overlapping slot, with another clinician.
    let (status, taken) =
        p.book(&a.staff, a.tenant, slot(&a.client, &colleague, (hour(24), hour(25)), "telehealth")).await;
    assert_eq!((status, code(&taken)), (StatusCode::CONFLICT, "SCHEDULING_SLOT_TAKEN"));
    // Back to back is fine.
    p.booked(&a.staff, a.tenant, slot(&a.other_client, &a.clinician, (hour(25), hour(26)), "in_person")).await;

    // A cancellation frees the slot; cancelling twice is a conflict.
    let (status, cancelled) = p.call(&a.staff, Method::POST, &paths::cancellation(a.tenant, first), None).await;
    assert_eq!(status, StatusCode::OK, "{cancelled}");
    assert_eq!(cancelled["status"], "cancelled");
    let (status, again) = p.call(&a.staff, Method::POST, &paths::cancellation(a.tenant, first), None).await;
    assert_eq!((status, code(&again)), (StatusCode::CONFLICT, "SCHEDULING_CONFLICT"));
    p.booked(&a.staff, a.tenant, slot(&a.client, &colleague, (hour(24), hour(25)), "telehealth")).await;

    // Eight people booking the same free slot at once: exactly one gets it.
    let attempts = (0..8)
        .map(|_| p.book(&a.staff, a.tenant, slot(&a.other_client, &colleague, (hour(30), hour(31)), "in_person")));
    let answers = futures_util::future::join_all(attempts).await;
    let created = answers.iter().filter(|(s, _)| *s == StatusCode::CREATED).count();
    let taken =
        answers.iter().filter(|(s, b)| *s == StatusCode::CONFLICT && code(b) == "SCHEDULING_SLOT_TAKEN").count();
    assert_eq!((created, taken), (1, 7), "{answers:?}");
}

#[tokio::test]
async fn the_clinician_and_the_client_must_be_a_clinician_and_a_client_of_the_practice() {
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;

    // Act / Assert: staff as the clinician, a clinician as the client, another practice's client.
    let cases = [
        (slot(&a.client, &a.staff, (hour(24), hour(25)), "in_person"), "clinician_id"),
        (slot(&a.clinician, &a.admin, (hour(24), hour(25)), "in_person"), "clinician_id"),
        (slot(&b.client, &a.clinician, (hour(24), hour(25)), "in_person"), "client_id"),
        (slot(&a.client, &a.client, (hour(24), hour(25)), "in_person"), "client_id"),
    ];
    for (body, field) in cases {
        let (status, refused) = p.book(&a.admin, a.tenant, body).await;
        assert_eq!((status, code(&refused)), (StatusCode::BAD_REQUEST, "SCHEDULING_INVALID_INPUT"), "{refused}");
        let message = refused["error"]["message"].as_str().unwrap();
        assert!(message.starts_with(&format!("invalid {field}")), "{message}");
    }
}

#[tokio::test]
async fn bad_input_is_a_clear_400_that_never_quotes_it() {
    let p = spawn().await;
    let a = p.practice().await;
    let past = slot(&a.client, &a.clinician, (hour(-2), hour(-1)), "in_person");
    let long = slot(&a.client, &a.clinician, (hour(24), hour(33)), "in_person");
    let far = slot(&a.client, &a.clinician, (hour(24 * 401), hour(24 * 401 + 1)), "in_person");
    let mut unknown = slot(&a.client, &a.clinician, (hour(24), hour(25)), "in_person");
    unknown["modality"] = json!("carrier-pigeon-secret");
    for (body, field) in [(past, "starts_at"), (long, "ends_at"), (far, "starts_at"), (unknown, "body")] {
        let (status, refused) = p.book(&a.staff, a.tenant, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
        let message = refused["error"]["message"].as_str().unwrap();
        assert!(message.starts_with(&format!("invalid {field}")), "{message}");
        assert!(!message.contains("pigeon"), "{message}");
    }
    // A list's window: missing, reversed, longer than 92 days.
    let base = paths::appointments(a.tenant);
    let window = |from: chrono::DateTime<chrono::Utc>, to: chrono::DateTime<chrono::Utc>| {
        format!("{base}?from={}&to={}", urlencode(&from.to_rfc3339()), urlencode(&to.to_rfc3339()))
    };
    for path in [base.clone(), window(hour(5), hour(1)), window(hour(0), hour(24 * 93))] {
        let (status, refused) = p.call(&a.staff, Method::GET, &path, None).await;
        assert_eq!((status, code(&refused)), (StatusCode::BAD_REQUEST, "SCHEDULING_INVALID_INPUT"), "{path}");
    }
    let (status, _) = p.call(&a.staff, Method::GET, &window(hour(0), hour(24 * 92)), None).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn booking_fails_closed_when_consent_cannot_answer() {
    // Arrange: a scheduling whose consent is unreachable.
    let p = spawn().await;
    let a = p.practice().await;
    let blind = scheduling_for(&p.inner.identity.address, "http://127.0.0.1:9").await;

    // Act
    let body = slot(&a.client, &a.clinician, (hour(24), hour(25)), "in_person");
    let (status, refused) =
        p.call_at(&blind.address, &a.staff, (Method::POST, &paths::appointments(a.tenant)), Some(body)).await;

    // Assert: unavailable, and nothing was booked.
    assert_eq!((status, code(&refused)), (StatusCode::SERVICE_UNAVAILABLE, "SCHEDULING_UNAVAILABLE"));
    let db = blind.db.as_ref().unwrap().connect_admin().await;
    let rows = crate::harness::query(&db, "select id from scheduling.appointments", vec![]).await;
    assert!(rows.is_empty());
}

/// Percent-encodes what a query value may not hold as is (`+` and `:` of an RFC 3339 time).
pub fn urlencode(value: &str) -> String {
    value.replace('+', "%2B").replace(':', "%3A")
}
