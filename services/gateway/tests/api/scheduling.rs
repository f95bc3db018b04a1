//! Appointments and telehealth rooms through GraphQL, with two practices: booking is refused,
//! naming the documents, until the client signed what the practice requires; a slot is
//! booked once; the client sees their appointment and another practice nothing of it; the
//! client's recording consent decides whether the clinician may record the session, and its
//! withdrawal stops a recording.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use crate::harness::{Person, Platform, codes, spawn};

const BOOK: &str = "mutation($client: ID!, $clinician: ID!, $s: DateTime!, $e: DateTime!) { bookAppointment(input: \
                    {clientId: $client, clinicianId: $clinician, startsAt: $s, endsAt: $e, modality: TELEHEALTH}) \
                    { id clientId clinicianId startsAt endsAt modality status bookedBy bookedAt cancelledAt } }";
const LIST: &str = "query($from: DateTime!, $to: DateTime!) { appointments(from: $from, to: $to) { id status } }";
const ROOM: &str = "query($a: ID!) { telehealthRoom(appointmentId: $a) { appointmentId recordingConsented recording recordingChangedAt } }";
const RECORD: &str = "mutation($a: ID!, $r: Boolean!) { setSessionRecording(appointmentId: $a, recording: $r) { recordingConsented recording } }";

/// `template` as the client reads it, then signed as read: the signed document's id.
async fn sign(p: &Platform, client: &Person, template: &str) -> String {
    let read = "query($k: String!) { consentTemplate(key: $k) { key version bodySha256 } }";
    let (_, body) = p.gql(Some(&client.token), read, json!({ "k": template })).await;
    let t = &body["data"]["consentTemplate"];
    let sign = "mutation($c: ID!, $t: String!, $v: Int!, $h: String!) { signConsentDocument(clientId: $c, \
                input: {template: $t, version: $v, textSha256: $h, typedName: \"Robin Client\"}) { id } }";
    let vars = json!({ "c": client.user.to_string(), "t": t["key"], "v": t["version"], "h": t["bodySha256"] });
    let (_, body) = p.gql(Some(&client.token), sign, vars).await;
    body["data"]["signConsentDocument"]["id"].as_str().unwrap_or_else(|| panic!("{template}: {body}")).to_owned()
}

async fn title(p: &Platform, who: &Person, template: &str) -> String {
    let read = "query($k: String!) { consentTemplate(key: $k) { title } }";
    let (_, body) = p.gql(Some(&who.token), read, json!({ "k": template })).await;
    body["data"]["consentTemplate"]["title"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned()
}

/// The one error message of a refused answer.
fn message(body: &Value) -> String {
    body["errors"][0]["message"].as_str().unwrap_or_else(|| panic!("an error: {body}")).to_owned()
}

fn window(starts: DateTime<Utc>) -> Value {
    json!({ "from": (starts - Duration::days(1)).to_rfc3339(), "to": (starts + Duration::days(1)).to_rfc3339() })
}

#[tokio::test]
async fn booking_waits_for_the_required_documents_and_another_practice_sees_nothing() {
    // Arrange: practice A requires informed consent and the telehealth consent.
    let p = spawn().await;
    let tenant = p.tenant().await;
    let admin = p.person(tenant, &["practice_admin"]).await;
    let (staff, clinician) = (p.person(tenant, &["staff"]).await, p.person(tenant, &["clinician"]).await);
    let client = p.person(tenant, &["client"]).await;
    let require = r#"mutation { setConsentRequirements(templates: ["informed-consent", "telehealth"]) }"#;
    let (_, body) = p.gql(Some(&admin.token), require, json!({})).await;
    assert!(body["errors"].is_null(), "{body}");
    let (informed, telehealth) = (title(&p, &client, "informed-consent").await, title(&p, &client, "telehealth").await);
    let starts = Utc::now() + Duration::days(3);
    let vars = json!({
        "client": client.user.to_string(), "clinician": clinician.user.to_string(),
        "s": starts.to_rfc3339(), "e": (starts + Duration::minutes(50)).to_rfc3339(),
    });

    // Act and assert: refused, naming what is still to sign, until both are signed.
    let (_, body) = p.gql(Some(&staff.token), BOOK, vars.clone()).await;
    assert_eq!(codes(&body), ["CONFLICT"], "{body}");
    let refusal = message(&body);
    assert!(refusal.contains(&informed) && refusal.contains(&telehealth), "{refusal}");
    sign(&p, &client, "informed-consent").await;
    let (_, body) = p.gql(Some(&staff.token), BOOK, vars.clone()).await;
    assert_eq!(codes(&body), ["CONFLICT"], "{body}");
    let refusal = message(&body);
    assert!(refusal.contains(&telehealth) && !refusal.contains(&informed), "{refusal}");
    sign(&p, &client, "telehealth").await;
    let (_, body) = p.gql(Some(&staff.token), BOOK, vars.clone()).await;
    let booked = &body["data"]["bookAppointment"];
    assert_eq!(booked["status"], "BOOKED", "{body}");
    assert_eq!(booked["modality"], "TELEHEALTH");
    assert_eq!(booked["bookedBy"], staff.user.to_string());
    assert_eq!(booked["clientId"], client.user.to_string());
    assert!(booked["cancelledAt"].is_null());
    let id = booked["id"].as_str().unwrap().to_owned();
    let (_, body) = p.gql(Some(&staff.token), BOOK, vars.clone()).await;
    assert_eq!(codes(&body), ["CONFLICT"], "the slot is taken: {body}");

    // The client sees their appointment.
    let (_, body) = p.gql(Some(&client.token), LIST, window(starts)).await;
    let listed = body["data"]["appointments"].as_array().unwrap_or_else(|| panic!("{body}"));
    assert_eq!(listed.iter().map(|a| a["id"].as_str().unwrap()).collect::<Vec<_>>(), [id.as_str()], "{body}");

    // Practice B's admin, with A's appointment id, neither sees nor cancels it.
    let other = p.tenant().await;
    let other_admin = p.person(other, &["practice_admin"]).await;
    let read = "query($a: ID!) { appointment(id: $a) { id } }";
    let (_, body) = p.gql(Some(&other_admin.token), read, json!({ "a": id })).await;
    assert_eq!(codes(&body), ["NOT_FOUND"], "{body}");
    let cancel = "mutation($a: ID!) { cancelAppointment(id: $a) { status } }";
    let (_, body) = p.gql(Some(&other_admin.token), cancel, json!({ "a": id })).await;
    assert_eq!(codes(&body), ["NOT_FOUND"], "{body}");
    let (_, body) = p.gql(Some(&other_admin.token), LIST, window(starts)).await;
    assert_eq!(body["data"]["appointments"], json!([]), "{body}");
    // Booking A's clinician at the taken time answers as for people who do not exist: B
    // learns neither that they are A's nor that the slot is taken.
    let (_, theirs) = p.gql(Some(&other_admin.token), BOOK, vars.clone()).await;
    let mut nobody = vars.clone();
    nobody["client"] = json!(uuid::Uuid::now_v7().to_string());
    nobody["clinician"] = json!(uuid::Uuid::now_v7().to_string());
    let (_, no_one) = p.gql(Some(&other_admin.token), BOOK, nobody).await;
    assert_eq!(codes(&theirs), ["BAD_USER_INPUT"], "{theirs}");
    assert_eq!(theirs["errors"][0]["message"], no_one["errors"][0]["message"], "{theirs} / {no_one}");
    let (_, body) = p.gql(Some(&client.token), read, json!({ "a": id })).await;
    assert_eq!(body["data"]["appointment"]["id"], id.as_str(), "still there: {body}");
    let (_, body) =
        p.gql(Some(&admin.token), "query($a: ID!) { appointment(id: $a) { status } }", json!({ "a": id })).await;
    assert_eq!(body["data"]["appointment"]["status"], "BOOKED", "not cancelled: {body}");
}

#[tokio::test]
async fn the_clients_recording_consent_decides_whether_the_session_is_recorded() {
    // Arrange: a telehealth session booked by its clinician; the practice requires nothing.
    let p = spawn().await;
    let tenant = p.tenant().await;
    let (clinician, client) = (p.person(tenant, &["clinician"]).await, p.person(tenant, &["client"]).await);
    let starts = Utc::now() + Duration::days(2);
    let vars = json!({
        "client": client.user.to_string(), "clinician": clinician.user.to_string(),
        "s": starts.to_rfc3339(), "e": (starts + Duration::minutes(50)).to_rfc3339(),
    });
    let (_, body) = p.gql(Some(&clinician.token), BOOK, vars).await;
    let id = body["data"]["bookAppointment"]["id"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();
    let room = json!({ "a": id });

    // No recording consent: the clinician cannot start recording.
    let (_, body) = p.gql(Some(&clinician.token), ROOM, room.clone()).await;
    assert_eq!(body["data"]["telehealthRoom"]["recordingConsented"], false, "{body}");
    assert_eq!(body["data"]["telehealthRoom"]["recording"], false);
    assert_eq!(body["data"]["telehealthRoom"]["appointmentId"], id.as_str());
    let (_, body) = p.gql(Some(&clinician.token), RECORD, json!({ "a": id, "r": true })).await;
    assert_eq!(codes(&body), ["CONFLICT"], "{body}");

    // The client consents: recording starts.
    let document = sign(&p, &client, "recording").await;
    let (_, body) = p.gql(Some(&clinician.token), ROOM, room.clone()).await;
    assert_eq!(body["data"]["telehealthRoom"]["recordingConsented"], true, "{body}");
    let (_, body) = p.gql(Some(&clinician.token), RECORD, json!({ "a": id, "r": true })).await;
    assert_eq!(body["data"]["setSessionRecording"], json!({ "recordingConsented": true, "recording": true }), "{body}");
    let (_, body) = p.gql(Some(&client.token), ROOM, room.clone()).await;
    assert_eq!(body["data"]["telehealthRoom"]["recording"], true, "{body}");
    assert!(body["data"]["telehealthRoom"]["recordingChangedAt"].is_string(), "{body}");

    // The client withdraws the consent: the next read finds the recording stopped.
    let withdraw =
        "mutation($c: ID!, $d: ID!) { withdrawConsentDocument(clientId: $c, documentId: $d) { withdrawnAt } }";
    let (_, body) = p.gql(Some(&client.token), withdraw, json!({ "c": client.user.to_string(), "d": document })).await;
    assert!(body["data"]["withdrawConsentDocument"]["withdrawnAt"].is_string(), "{body}");
    let (_, body) = p.gql(Some(&client.token), ROOM, room.clone()).await;
    assert_eq!(body["data"]["telehealthRoom"]["recording"], false, "{body}");
    assert_eq!(body["data"]["telehealthRoom"]["recordingConsented"], false, "{body}");

    // The client never records; another practice's clinician does not reach the room.
    let (_, body) = p.gql(Some(&client.token), RECORD, json!({ "a": id, "r": true })).await;
    assert_eq!(codes(&body), ["FORBIDDEN"], "{body}");
    let other = p.tenant().await;
    let other_clinician = p.person(other, &["clinician"]).await;
    let (_, body) = p.gql(Some(&other_clinician.token), ROOM, room.clone()).await;
    assert_eq!(codes(&body), ["NOT_FOUND"], "{body}");
    let (_, body) = p.gql(Some(&other_clinician.token), RECORD, json!({ "a": id, "r": false })).await;
    assert_eq!(codes(&body), ["NOT_FOUND"], "{body}");
}
