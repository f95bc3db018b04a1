//! The role-based access matrix: every role against every operation of the schema, with
//! the expected answer written out by hand ('y' served, '.' refused). The table is not
//! derived from `tp_authz`: a change to the permission table must be made here too, on
//! purpose.

use std::time::Duration;

use serde_json::{Value, json};
use tp_ids::TenantId;

use crate::harness::{Person, Platform, codes, spawn};
use crate::ws::{Next, subscribe};

/// The operations, in the column order of [`EXPECTED`]. `$target` is a staff member of the
/// caller's practice, `$clinician`/`$client` an assignable pair, `$pair_*` an assigned pair,
/// `$api` an API client of the practice, `$session` the caller's own session, `$chart` a
/// client whose chart the caller may read if its role may (its own for a client, one on its
/// care team for a clinician), `$appointment` a telehealth appointment the caller may reach if
/// its role may (its own as clinician or client), `$book_*` a pair it may book.
const OPERATIONS: [(&str, &str); 66] = [
    ("me", "{ me { id roles } }"),
    ("me.profile", "{ me { profile { email } } }"),
    ("me.memberships", "{ me { memberships { tenantId } } }"),
    ("me.sessions", "{ me { sessions { id } } }"),
    ("tenant", "{ tenant { id } }"),
    ("members", "{ members(first: 5) { edges { node { id } } } }"),
    ("user", "query($target: ID!) { user(id: $target) { id displayName } }"),
    ("user.email", "query($target: ID!) { user(id: $target) { email } }"),
    ("careTeam", "{ careTeam { clinicianId } }"),
    ("apiClients", "{ apiClients { id } }"),
    (
        "inviteMember(client)",
        r#"mutation { inviteMember(input: {email: "new@example.test", roles: [CLIENT]}) { status } }"#,
    ),
    (
        "inviteMember(admin)",
        r#"mutation { inviteMember(input: {email: "adm@example.test", roles: [PRACTICE_ADMIN]}) { status } }"#,
    ),
    ("setMemberRoles", "mutation($target: ID!) { setMemberRoles(userId: $target, roles: [STAFF, CLIENT]) { id } }"),
    (
        "assignCareTeam",
        "mutation($clinician: ID!, $client: ID!) { assignCareTeam(clinicianId: $clinician, clientId: $client) { clinicianId } }",
    ),
    (
        "unassignCareTeam",
        "mutation($pair_clinician: ID!, $pair_client: ID!) { unassignCareTeam(clinicianId: $pair_clinician, clientId: $pair_client) { clinicianId } }",
    ),
    (
        "updateSessionPolicy",
        "mutation { updateSessionPolicy(input: {mfaRequiredRoles: [PRACTICE_ADMIN], idleTimeoutSecs: 900, absoluteTimeoutSecs: 43200}) { id } }",
    ),
    ("createApiClient", r#"mutation { createApiClient(input: {name: "Billing", scopes: ["identity:read"]}) { id } }"#),
    ("approveApiClient", "mutation($api: ID!) { approveApiClient(id: $api) { id } }"),
    ("revokeApiClient", "mutation($api: ID!) { revokeApiClient(id: $api) { id } }"),
    ("removeMember", "mutation($target: ID!) { removeMember(userId: $target) { id } }"),
    ("client", "query($chart: ID!) { client(id: $chart) { id demographics { legalName } } }"),
    ("searchClients", r#"{ searchClients(name: "Nobody Here") { id } }"#),
    ("progressNotes", "query($chart: ID!) { progressNotes(clientId: $chart) { id } }"),
    (
        "createProgressNote",
        "mutation($chart: ID!) { createProgressNote(clientId: $chart, input: {template: SOAP, sections: []}) { id } }",
    ),
    ("exportChart", "query($chart: ID!) { exportChart(clientId: $chart, format: FHIR) { contentType } }"),
    ("auditEvents", "{ auditEvents(first: 5) { edges { node { id } } } }"),
    ("myRecordAccess", "{ myRecordAccess(first: 5) { edges { node { id } } } }"),
    (
        "updateClientDemographics",
        r#"mutation($chart: ID!) { updateClientDemographics(clientId: $chart, input: {legalName: "Pat Doe"}) { id } }"#,
    ),
    ("psychotherapyNotes", "query($chart: ID!) { psychotherapyNotes(clientId: $chart) { id } }"),
    (
        "createPsychotherapyNote",
        r#"mutation($chart: ID!) { createPsychotherapyNote(clientId: $chart, text: "Process note") { id } }"#,
    ),
    // A client on another clinician's care team: an emergency opening for a clinician.
    (
        "breakGlass",
        r#"mutation($pair_client: ID!) { breakGlass(clientId: $pair_client, reason: "Crisis call, their clinician is away") { id } }"#,
    ),
    ("breakGlassOpenings", "{ breakGlassOpenings { id } }"),
    ("client.diagnoses", "query($chart: ID!) { client(id: $chart) { diagnoses { id } } }"),
    (
        "addDiagnosis",
        r#"mutation($chart: ID!) { addDiagnosis(clientId: $chart, input: {code: "F41.1", description: "Anxiety", status: ACTIVE}) { id } }"#,
    ),
    (
        "setTreatmentPlan",
        r#"mutation($chart: ID!) { setTreatmentPlan(clientId: $chart, input: {problem: "Worry", goals: []}) { version } }"#,
    ),
    (
        "requestAmendment",
        r#"mutation($chart: ID!) { requestAmendment(clientId: $chart, input: {whatIsWrong: "x", shouldSay: "y"}) { id } }"#,
    ),
    ("formTemplates", "{ formTemplates { id } }"),
    (
        "createFormTemplate",
        r#"mutation { createFormTemplate(input: {title: "Intake", schema: {type: "object"}}) { id } }"#,
    ),
    (
        "submitFormResponse",
        "mutation($chart: ID!) { submitFormResponse(clientId: $chart, input: {instrument: GAD7, answers: [0, 0, 0, 0, 0, 0, 0]}) { id } }",
    ),
    ("client.documents", "query($chart: ID!) { client(id: $chart) { documents { id } } }"),
    (
        "client.forms",
        "query($chart: ID!) { client(id: $chart) { formResponses { id } assessmentHistory(instrument: PHQ9) { createdAt } } }",
    ),
    // Before the consent operations: setConsentRequirements would hold the bookings back.
    ("appointments", "query($from: DateTime!, $to: DateTime!) { appointments(from: $from, to: $to) { id } }"),
    ("appointment", "query($appointment: ID!) { appointment(id: $appointment) { id } }"),
    ("telehealthRoom", "query($appointment: ID!) { telehealthRoom(appointmentId: $appointment) { recording } }"),
    // Stopping: starting needs the client's recording consent, which no fixture gives.
    (
        "setSessionRecording",
        "mutation($appointment: ID!) { setSessionRecording(appointmentId: $appointment, recording: false) { recording } }",
    ),
    (
        "bookAppointment",
        "mutation($book_client: ID!, $book_clinician: ID!, $book_starts: DateTime!, $book_ends: DateTime!) { bookAppointment(input: {clientId: $book_client, clinicianId: $book_clinician, startsAt: $book_starts, endsAt: $book_ends, modality: IN_PERSON}) { id } }",
    ),
    ("cancelAppointment", "mutation($appointment: ID!) { cancelAppointment(id: $appointment) { status } }"),
    ("consentTemplates", "{ consentTemplates { key } }"),
    ("consentTemplate", r#"{ consentTemplate(key: "telehealth") { key } }"#),
    ("consentRequirements", "{ consentRequirements }"),
    (
        "createConsentTemplate",
        r#"mutation { createConsentTemplate(input: {kind: OTHER, title: "Fees", body: "Our fees."}) { key } }"#,
    ),
    ("setConsentRequirements", r#"mutation { setConsentRequirements(templates: ["telehealth"]) }"#),
    (
        "signConsentDocument",
        r#"mutation($chart: ID!, $telehealth_sha256: String!) { signConsentDocument(clientId: $chart, input: {template: "telehealth", version: 1, textSha256: $telehealth_sha256, typedName: "Pat Doe"}) { id } }"#,
    ),
    ("consentDocuments", "query($chart: ID!) { consentDocuments(clientId: $chart) { id } }"),
    ("consentReadiness", "query($chart: ID!) { consentReadiness(clientId: $chart) { readyToBook } }"),
    ("disclosureAuthorizations", "query($chart: ID!) { disclosureAuthorizations(clientId: $chart) { id } }"),
    ("disclosureRestrictions", "query($chart: ID!) { disclosureRestrictions(clientId: $chart) { id } }"),
    ("accountingOfDisclosures", "query($chart: ID!) { accountingOfDisclosures(clientId: $chart) { id } }"),
    (
        "disclosureDecision",
        r#"query($chart: ID!) { disclosureDecision(clientId: $chart, input: {recipient: {kind: OUTSIDE, name: "Dr New", email: "new@example.test"}, categories: [DIAGNOSES]}) { permit } }"#,
    ),
    (
        "requestRestriction",
        r#"mutation($chart: ID!) { requestRestriction(clientId: $chart, input: {categories: [DIAGNOSES], description: "Not to my employer"}) { id } }"#,
    ),
    ("sentRecordsRequests", "{ sentRecordsRequests { id } }"),
    ("recordsRequests", "query($chart: ID!) { recordsRequests(clientId: $chart) { id } }"),
    (
        "requestRecords",
        r#"mutation($other_practice: ID!) { requestRecords(input: {practiceId: $other_practice, clientEmail: "pat@example.test", purpose: "Continuity of care", categories: [DIAGNOSES]}) { status } }"#,
    ),
    ("outsideRecordsRequests", "{ outsideRecordsRequests { id } }"),
    (
        "recordOutsideRecordsRequest",
        r#"mutation($chart: ID!) { recordOutsideRecordsRequest(clientId: $chart, input: {provider: {name: "Dr New", email: "new@example.test"}, purpose: "Continuity of care", categories: [DIAGNOSES]}) { id } }"#,
    ),
    // Last: it ends the caller's own session.
    ("endSession", "mutation($session: ID!) { endSession(id: $session) { id } }"),
];

/// Subscriptions, checked after the operations above: (name, query).
const SUBSCRIPTIONS: [(&str, &str); 2] = [
    ("careTeamChanges", "subscription { careTeamChanges { change } }"),
    ("memberChanges", "subscription { memberChanges { change } }"),
];

/// Per role: the operations' answers, then the subscriptions' answers.
// Practice admins read and export notes and clinical content only when on the client's care
// team ($chart's is not theirs), and write neither; a client reads their own (signed) notes,
// exports their record, requests amendments of their own chart and fills in their own forms.
// Consent: every member reads the templates and whether a client is ready to book; admins
// write templates and requirements and read signed documents; a client signs their own.
// Disclosure: admins and the client read authorizations, restrictions and the accounting
// and ask for decisions; only the client requests a restriction. Transfers: clinicians and
// admins ask other practices and follow their requests; the client sees those about them.
// Outside providers' requests: admins and staff (the front desk) record and list them.
// Appointments: admins and staff read and book the practice's, clinicians and clients their
// own; only the session's clinician and client enter its room, only its clinician records.
const EXPECTED: [(&str, &str, &str); 7] = [
    ("practice_admin", "yyyyyyyyyyyyyyyyyyyyyy...y.y...y....yy...yy..yyyyyyy.yyyyyy.y.yyyy", "yy"),
    ("clinician", "yyyy..y.............y.yyy..yyyy.yyy.yyyyyyyyyyyyyy....y.....y.y..y", "y."),
    ("staff", "yyyy..y.............yy.....y.............yy..yyyyy....y........yyy", ".."),
    ("client", "yyyy..y.............y.y.y.y.....y..yy.yyyyyy.yyyyy..yyyyyyyy.y...y", ".."),
    ("api_client", "y...yyyyy.........................................................", "yy"),
    ("api_client_no_scope", "y.................................................................", ".."),
    ("operator", "y.................................................................", ".."),
];

struct Fixtures {
    vars: Value,
    token: String,
}

/// A practice of its own for one caller, with everything the operations act on.
async fn fixtures(platform: &Platform, role: &str) -> Fixtures {
    let tenant: TenantId = platform.tenant().await;
    let target = platform.person(tenant, &["staff"]).await;
    let clinician = platform.person(tenant, &["clinician"]).await;
    let client = platform.person(tenant, &["client"]).await;
    let pair = (platform.person(tenant, &["clinician"]).await, platform.person(tenant, &["client"]).await);
    platform.assign(tenant, pair.0.user, pair.1.user).await;
    let (api, _) = platform.api_client(tenant, &["identity:read"]).await;
    // The appointment's pair: the caller itself when it is a clinician or a client.
    let (mut booking_clinician, mut booking_client) = (clinician.clone(), client.clone());
    let (token, session, chart) = match role {
        "api_client" => (platform.api_client(tenant, &["identity:read"]).await.1, String::new(), client.user),
        "api_client_no_scope" => {
            (platform.api_client(tenant, &["scheduling:read"]).await.1, String::new(), client.user)
        }
        "operator" => (platform.operator_token().await, String::new(), client.user),
        role => {
            let caller = platform.person(tenant, &[role]).await;
            let chart = match role {
                "client" => {
                    booking_client = caller.clone();
                    caller.user
                }
                "clinician" => {
                    platform.assign(tenant, caller.user, client.user).await;
                    booking_clinician = caller.clone();
                    client.user
                }
                _ => client.user,
            };
            (caller.token, caller.session.to_string(), chart)
        }
    };
    let appointment = appointment(platform, &booking_clinician, &booking_client).await;
    let now = chrono::Utc::now();
    let (from, to) = (now.to_rfc3339(), (now + chrono::Duration::days(30)).to_rfc3339());
    let book_starts = now + chrono::Duration::days(2);
    let book_ends = book_starts + chrono::Duration::minutes(50);
    let session = if session.is_empty() { uuid::Uuid::now_v7().to_string() } else { session };
    let telehealth_sha256 = telehealth_sha256(platform, tenant).await;
    // Records are asked of another practice.
    let other_practice = platform.tenant().await;
    let vars = json!({
        "target": target.user.to_string(), "clinician": clinician.user.to_string(), "client": client.user.to_string(),
        "pair_clinician": pair.0.user.to_string(), "pair_client": pair.1.user.to_string(), "api": api,
        "session": session, "chart": chart.to_string(), "telehealth_sha256": telehealth_sha256,
        "other_practice": other_practice.to_string(), "appointment": appointment, "from": from, "to": to,
        "book_client": booking_client.user.to_string(), "book_clinician": booking_clinician.user.to_string(),
        "book_starts": book_starts.to_rfc3339(), "book_ends": book_ends.to_rfc3339(),
    });
    Fixtures { vars, token }
}

/// A telehealth appointment of `clinician` with `client` tomorrow, booked by the clinician:
/// its id.
async fn appointment(platform: &Platform, clinician: &Person, client: &Person) -> String {
    let starts = chrono::Utc::now() + chrono::Duration::days(1);
    let ends = starts + chrono::Duration::minutes(50);
    let book = "mutation($client: ID!, $clinician: ID!, $s: DateTime!, $e: DateTime!) { bookAppointment(input: \
                {clientId: $client, clinicianId: $clinician, startsAt: $s, endsAt: $e, modality: TELEHEALTH}) { id } }";
    let vars = json!({
        "client": client.user.to_string(), "clinician": clinician.user.to_string(),
        "s": starts.to_rfc3339(), "e": ends.to_rfc3339(),
    });
    let (_, body) = platform.gql(Some(&clinician.token), book, vars).await;
    body["data"]["bookAppointment"]["id"].as_str().unwrap_or_else(|| panic!("appointment: {body}")).to_owned()
}

/// The SHA-256 of the built-in telehealth consent's text, which a signature quotes, as a
/// practice admin of `tenant` reads it.
async fn telehealth_sha256(platform: &Platform, tenant: TenantId) -> String {
    let admin = platform.person(tenant, &["practice_admin"]).await;
    let query = r#"{ consentTemplate(key: "telehealth") { bodySha256 } }"#;
    let (_, body) = platform.gql(Some(&admin.token), query, json!({})).await;
    body["data"]["consentTemplate"]["bodySha256"].as_str().unwrap_or_else(|| panic!("telehealth: {body}")).to_owned()
}

/// 'y' when the field answered without error, '.' when it was refused; anything else is a
/// broken fixture and fails the test with the answer.
fn verdict(role: &str, operation: &str, body: &Value) -> char {
    let codes = codes(body);
    match codes.first().map(String::as_str) {
        None => 'y',
        Some("FORBIDDEN" | "UNAUTHENTICATED") => '.',
        Some(_) => panic!("{role} / {operation}: unexpected answer {body}"),
    }
}

#[tokio::test]
async fn every_role_gets_the_expected_answer_for_every_operation() {
    let platform = spawn().await;
    let mut failures = Vec::new();
    for (role, expected_ops, expected_subs) in EXPECTED {
        assert_eq!(expected_ops.len(), OPERATIONS.len(), "{role}: one answer per operation");
        let fixtures = fixtures(&platform, role).await;
        for ((operation, query), want) in OPERATIONS.iter().zip(expected_ops.chars()) {
            let variables = only_used(query, &fixtures.vars);
            let (_, body) = platform.gql(Some(&fixtures.token), query, variables).await;
            let got = verdict(role, operation, &body);
            if got != want {
                failures.push(format!("{role} / {operation}: expected {want}, got {got}: {body}"));
            }
        }
        // endSession ended a person's session: a fresh token for the subscriptions.
        let fixtures = fixtures_for_subscriptions(&platform, role).await;
        for ((name, query), want) in SUBSCRIPTIONS.iter().zip(expected_subs.chars()) {
            let mut sub = subscribe(&platform.gateway().address, &fixtures, query).await;
            let got = match sub.next(Duration::from_millis(700)).await {
                Next::Nothing | Next::Data(_) => 'y',
                Next::Error(payload) if payload.to_string().contains("FORBIDDEN") => '.',
                other => panic!("{role} / {name}: unexpected {other:?}"),
            };
            if got != want {
                failures.push(format!("{role} / {name}: expected {want}, got {got}"));
            }
        }
    }
    assert!(failures.is_empty(), "the matrix differs:\n{}", failures.join("\n"));
}

async fn fixtures_for_subscriptions(platform: &Platform, role: &str) -> String {
    let tenant = platform.tenant().await;
    match role {
        "api_client" => platform.api_client(tenant, &["identity:read"]).await.1,
        "api_client_no_scope" => platform.api_client(tenant, &["scheduling:read"]).await.1,
        "operator" => platform.operator_token().await,
        role => platform.person(tenant, &[role]).await.token,
    }
}

/// The variables a query declares (GraphQL refuses unused ones? no, but keep requests tidy).
fn only_used(query: &str, vars: &Value) -> Value {
    let all = vars.as_object().unwrap();
    let used = all.iter().filter(|(name, _)| query.contains(&format!("${name}:"))).map(|(k, v)| (k.clone(), v.clone()));
    Value::Object(used.collect())
}
