//! The schema-driven isolation suite. It walks the schema by introspection and, for every
//! root field (query, mutation, subscription), acts as practice B's admin against practice
//! A: with A's ids where the field takes ids, and on B's own practice otherwise. The answer
//! must be NOT_FOUND or FORBIDDEN (or hold nothing of A), A must be unchanged afterwards, and
//! anonymous callers get UNAUTHENTICATED everywhere.
//!
//! A field the suite does not know fails it: whoever adds a field classifies it here, with
//! the arguments it takes, so nothing new escapes the check.

use std::time::Duration;

use serde_json::{Value, json};

use crate::harness::{Person, Platform, codes, spawn};
use crate::ws::{Next, subscribe};

/// How the suite exercises a field.
enum Exercise {
    /// Takes ids: called with practice A's ids, it must be refused as NOT_FOUND/FORBIDDEN.
    ForeignIds(&'static str),
    /// Names A's people in what it creates: it must be refused, as NOT_FOUND, FORBIDDEN, or
    /// BAD_USER_INPUT (the answer to an id that names no one of B's practice).
    ForeignInput(&'static str),
    /// Filters by ids: with A's ids it must be refused or return nothing of A.
    ForeignFilter(&'static str),
    /// Acts on the caller's own practice only (no id input): nothing of A may appear.
    OwnPractice(&'static str),
    /// B subscribes, A causes the event: B must receive nothing.
    Subscription(&'static str),
}

use Exercise::*;

/// Every root field: (type.field, its argument names, how to exercise it).
const FIELDS: &[(&str, &[&str], Exercise)] = &[
    ("Query.me", &[], OwnPractice("{ me { id tenantId profile { email } memberships { tenantId } sessions { id } } }")),
    ("Query.tenant", &[], OwnPractice("{ tenant { id name } }")),
    ("Query.members", &["first", "after"], OwnPractice("{ members(first: 100) { edges { node { id email } } } }")),
    ("Query.user", &["id"], ForeignIds("query($a_client: ID!) { user(id: $a_client) { id displayName } }")),
    (
        "Query.careTeam",
        &["clinicianId", "clientId"],
        ForeignFilter(
            "query($a_clinician: ID!, $a_client: ID!) { careTeam(clinicianId: $a_clinician, clientId: $a_client) { clinicianId clientId client { id } } }",
        ),
    ),
    ("Query.apiClients", &[], OwnPractice("{ apiClients { id name } }")),
    (
        "Query.auditEvents",
        &["filter", "first", "after"],
        OwnPractice(
            "query($a_client: ID!) { auditEvents(filter: {subjectId: $a_client}, first: 100) { edges { node { id actorId subjectId } } } \
             all: auditEvents(first: 100) { edges { node { id actorId subjectId } } } }",
        ),
    ),
    (
        "Query.myRecordAccess",
        &["first", "after"],
        OwnPractice("{ myRecordAccess(first: 100) { edges { node { id actorId subjectId } } } }"),
    ),
    (
        "Mutation.inviteMember",
        &["input"],
        OwnPractice(r#"mutation { inviteMember(input: {email: "x@example.test", roles: [CLIENT]}) { status } }"#),
    ),
    (
        "Mutation.setMemberRoles",
        &["userId", "roles"],
        ForeignIds("mutation($a_staff: ID!) { setMemberRoles(userId: $a_staff, roles: [PRACTICE_ADMIN]) { id } }"),
    ),
    (
        "Mutation.removeMember",
        &["userId"],
        ForeignIds("mutation($a_staff: ID!) { removeMember(userId: $a_staff) { id } }"),
    ),
    (
        "Mutation.assignCareTeam",
        &["clinicianId", "clientId"],
        ForeignIds(
            "mutation($a_clinician: ID!, $a_staff: ID!) { assignCareTeam(clinicianId: $a_clinician, clientId: $a_staff) { clinicianId } }",
        ),
    ),
    (
        "Mutation.unassignCareTeam",
        &["clinicianId", "clientId"],
        ForeignIds(
            "mutation($a_clinician: ID!, $a_client: ID!) { unassignCareTeam(clinicianId: $a_clinician, clientId: $a_client) { clinicianId } }",
        ),
    ),
    (
        "Mutation.updateSessionPolicy",
        &["input"],
        OwnPractice(
            "mutation { updateSessionPolicy(input: {mfaRequiredRoles: [], idleTimeoutSecs: 600, absoluteTimeoutSecs: 3600}) { id } }",
        ),
    ),
    (
        "Mutation.createApiClient",
        &["input"],
        OwnPractice(r#"mutation { createApiClient(input: {name: "B", scopes: ["identity:read"]}) { id } }"#),
    ),
    ("Mutation.approveApiClient", &["id"], ForeignIds("mutation($a_api: ID!) { approveApiClient(id: $a_api) { id } }")),
    ("Mutation.revokeApiClient", &["id"], ForeignIds("mutation($a_api: ID!) { revokeApiClient(id: $a_api) { id } }")),
    ("Mutation.endSession", &["id"], ForeignIds("mutation($a_session: ID!) { endSession(id: $a_session) { id } }")),
    (
        "Query.exportChart",
        &["clientId", "format"],
        ForeignIds("query($a_client: ID!) { exportChart(clientId: $a_client, format: FHIR) { content } }"),
    ),
    (
        "Query.progressNotes",
        &["clientId"],
        ForeignIds("query($a_client: ID!) { progressNotes(clientId: $a_client) { id sections { text } } }"),
    ),
    (
        "Mutation.createProgressNote",
        &["clientId", "input"],
        ForeignIds(
            "mutation($a_client: ID!) { createProgressNote(clientId: $a_client, input: {template: DAP, sections: []}) { id } }",
        ),
    ),
    (
        "Mutation.updateProgressNote",
        &["clientId", "noteId", "input"],
        ForeignIds(
            "mutation($a_client: ID!, $a_note: ID!) { updateProgressNote(clientId: $a_client, noteId: $a_note, input: {template: DAP, sections: []}) { id } }",
        ),
    ),
    (
        "Mutation.signProgressNote",
        &["clientId", "noteId"],
        ForeignIds(
            "mutation($a_client: ID!, $a_note: ID!) { signProgressNote(clientId: $a_client, noteId: $a_note) { id } }",
        ),
    ),
    (
        "Mutation.amendProgressNote",
        &["clientId", "noteId", "input"],
        ForeignIds(
            "mutation($a_client: ID!, $a_note: ID!) { amendProgressNote(clientId: $a_client, noteId: $a_note, input: {template: DAP, sections: []}) { id } }",
        ),
    ),
    (
        "Query.client",
        &["id"],
        ForeignIds(
            "query($a_client: ID!) { client(id: $a_client) { id demographics { legalName } diagnoses { code } \
             treatmentPlan { problem } medications { name } amendmentRequests { whatIsWrong } documents { id title } \
             formResponses { id answers } assessmentHistory(instrument: PHQ9) { responseId } } }",
        ),
    ),
    (
        "Query.searchClients",
        &["name"],
        OwnPractice("query($a_name: String!) { searchClients(name: $a_name) { id legalName } }"),
    ),
    (
        "Mutation.updateClientDemographics",
        &["clientId", "input"],
        ForeignIds(
            r#"mutation($a_client: ID!) { updateClientDemographics(clientId: $a_client, input: {legalName: "Overwritten"}) { id } }"#,
        ),
    ),
    (
        "Query.psychotherapyNotes",
        &["clientId"],
        ForeignIds("query($a_client: ID!) { psychotherapyNotes(clientId: $a_client) { id text } }"),
    ),
    (
        "Mutation.createPsychotherapyNote",
        &["clientId", "text"],
        ForeignIds(r#"mutation($a_client: ID!) { createPsychotherapyNote(clientId: $a_client, text: "B's") { id } }"#),
    ),
    (
        "Mutation.updatePsychotherapyNote",
        &["clientId", "noteId", "text"],
        ForeignIds(
            r#"mutation($a_client: ID!, $a_pnote: ID!) { updatePsychotherapyNote(clientId: $a_client, noteId: $a_pnote, text: "B's") { id } }"#,
        ),
    ),
    (
        "Mutation.breakGlass",
        &["clientId", "reason"],
        ForeignIds(
            r#"mutation($a_client: ID!) { breakGlass(clientId: $a_client, reason: "An emergency reason long enough") { id } }"#,
        ),
    ),
    ("Query.consentTemplates", &[], OwnPractice("{ consentTemplates { key title body } }")),
    (
        "Query.consentTemplate",
        &["key"],
        ForeignIds(
            "query($a_consent_template: String!) { consentTemplate(key: $a_consent_template) { key title body } }",
        ),
    ),
    ("Query.consentRequirements", &[], OwnPractice("{ consentRequirements }")),
    (
        "Query.consentDocuments",
        &["clientId"],
        ForeignFilter("query($a_client: ID!) { consentDocuments(clientId: $a_client) { id text typedName } }"),
    ),
    (
        "Query.consentReadiness",
        &["clientId"],
        ForeignFilter(
            "query($a_client: ID!) { consentReadiness(clientId: $a_client) { readyToBook missing { template title } } }",
        ),
    ),
    (
        "Mutation.createConsentTemplate",
        &["input"],
        OwnPractice(
            r#"mutation { createConsentTemplate(input: {kind: OTHER, title: "B's fees", body: "B's fees."}) { key title } }"#,
        ),
    ),
    (
        "Mutation.reviseConsentTemplate",
        &["key", "input"],
        ForeignIds(
            r#"mutation($a_consent_template: ID!) { reviseConsentTemplate(key: $a_consent_template, input: {kind: OTHER, title: "x", body: "x"}) { key } }"#,
        ),
    ),
    (
        "Mutation.setConsentRequirements",
        &["templates"],
        // A's template is unknown in B: refused as bad input (the answer for a key that exists
        // nowhere), naming no key.
        ForeignFilter(
            "mutation($a_consent_template: String!) { setConsentRequirements(templates: [$a_consent_template]) }",
        ),
    ),
    (
        "Mutation.signConsentDocument",
        &["clientId", "input"],
        ForeignIds(
            r#"mutation($a_client: ID!) { signConsentDocument(clientId: $a_client, input: {template: "telehealth", version: 1, textSha256: "0", typedName: "x"}) { id } }"#,
        ),
    ),
    (
        "Mutation.withdrawConsentDocument",
        &["clientId", "documentId"],
        ForeignIds(
            "mutation($a_client: ID!, $a_consent_document: ID!) { withdrawConsentDocument(clientId: $a_client, documentId: $a_consent_document) { id } }",
        ),
    ),
    (
        "Query.disclosureAuthorizations",
        &["clientId"],
        ForeignFilter(
            "query($a_client: ID!) { disclosureAuthorizations(clientId: $a_client) { id purpose recipient { email } } }",
        ),
    ),
    (
        "Query.disclosureRestrictions",
        &["clientId"],
        ForeignFilter("query($a_client: ID!) { disclosureRestrictions(clientId: $a_client) { id description } }"),
    ),
    (
        "Query.accountingOfDisclosures",
        &["clientId"],
        ForeignFilter("query($a_client: ID!) { accountingOfDisclosures(clientId: $a_client) { id purpose } }"),
    ),
    (
        "Query.disclosureDecision",
        &["clientId", "input"],
        ForeignFilter(
            r#"query($a_client: ID!) { disclosureDecision(clientId: $a_client, input: {recipient: {kind: OUTSIDE, name: "x", email: "a-recipient@example.test"}, categories: [DIAGNOSES]}) { permit grants { authorizationId } } }"#,
        ),
    ),
    (
        "Mutation.authorizeDisclosure",
        &["clientId", "input"],
        ForeignIds(
            r#"mutation($a_client: ID!, $a_release: ID!) { authorizeDisclosure(clientId: $a_client, input: {signatureId: $a_release, recipient: {kind: OUTSIDE, name: "x", email: "x@example.test"}, categories: [DIAGNOSES], purpose: "x", expiresOn: TRANSFER_COMPLETED}) { id } }"#,
        ),
    ),
    (
        "Mutation.revokeAuthorization",
        &["clientId", "authorizationId"],
        ForeignIds(
            "mutation($a_client: ID!, $a_authorization: ID!) { revokeAuthorization(clientId: $a_client, authorizationId: $a_authorization) { id } }",
        ),
    ),
    (
        "Mutation.requestRestriction",
        &["clientId", "input"],
        ForeignIds(
            r#"mutation($a_client: ID!) { requestRestriction(clientId: $a_client, input: {categories: [], description: "x"}) { id } }"#,
        ),
    ),
    (
        "Mutation.reviewRestriction",
        &["clientId", "restrictionId", "input"],
        ForeignIds(
            r#"mutation($a_client: ID!, $a_restriction: ID!) { reviewRestriction(clientId: $a_client, restrictionId: $a_restriction, input: {accept: true, reason: "x"}) { id status } }"#,
        ),
    ),
    (
        "Mutation.recordDisclosure",
        &["clientId", "input"],
        ForeignIds(
            r#"mutation($a_client: ID!) { recordDisclosure(clientId: $a_client, input: {recipient: {kind: OUTSIDE, name: "x", email: "a-recipient@example.test"}, categories: [DIAGNOSES], channel: "x"}) { id } }"#,
        ),
    ),
    ("Query.sentRecordsRequests", &[], OwnPractice("{ sentRecordsRequests { id status clientEmail practiceId } }")),
    (
        "Query.recordsRequests",
        &["clientId"],
        ForeignIds("query($a_client: ID!) { recordsRequests(clientId: $a_client) { id purpose requester { email } } }"),
    ),
    // The one field that reaches another practice by design: B leaves a request in A, and
    // the answer is the same whoever the email names (nothing of A in it).
    (
        "Mutation.requestRecords",
        &["input"],
        OwnPractice(
            r#"mutation($a_tenant: ID!) { requestRecords(input: {practiceId: $a_tenant, clientEmail: "a-client@example.test", purpose: "x", categories: [DIAGNOSES]}) { status categories } }"#,
        ),
    ),
    (
        "Mutation.downloadRecords",
        &["requestId"],
        ForeignIds("mutation($a_client: ID!) { downloadRecords(requestId: $a_client) { content } }"),
    ),
    (
        "Mutation.answerRecordsRequest",
        &["clientId", "requestId", "input"],
        ForeignIds(
            "mutation($a_client: ID!) { answerRecordsRequest(clientId: $a_client, requestId: $a_client, input: {approve: false}) { id } }",
        ),
    ),
    // Outside providers' requests: recorded for a client of the caller's own practice, listed
    // for the caller's own practice.
    (
        "Query.outsideRecordsRequests",
        &[],
        OwnPractice("{ outsideRecordsRequests { id clientId code recipient { email } } }"),
    ),
    (
        "Mutation.recordOutsideRecordsRequest",
        &["clientId", "input"],
        ForeignIds(
            r#"mutation($a_client: ID!) { recordOutsideRecordsRequest(clientId: $a_client, input: {provider: {name: "x", email: "a-recipient@example.test"}, purpose: "x", categories: [DIAGNOSES]}) { id } }"#,
        ),
    ),
    (
        "Query.breakGlassOpenings",
        &["activeOnly"],
        OwnPractice("{ breakGlassOpenings { id clientId clinicianId reason } }"),
    ),
    (
        "Mutation.addDiagnosis",
        &["clientId", "input"],
        ForeignIds(
            r#"mutation($a_client: ID!) { addDiagnosis(clientId: $a_client, input: {code: "F41.1", description: "x", status: ACTIVE}) { id } }"#,
        ),
    ),
    (
        "Mutation.updateDiagnosis",
        &["clientId", "diagnosisId", "input"],
        ForeignIds(
            r#"mutation($a_client: ID!, $a_diagnosis: ID!) { updateDiagnosis(clientId: $a_client, diagnosisId: $a_diagnosis, input: {code: "F41.1", description: "x", status: RESOLVED}) { id } }"#,
        ),
    ),
    (
        "Mutation.setTreatmentPlan",
        &["clientId", "input"],
        ForeignIds(
            r#"mutation($a_client: ID!) { setTreatmentPlan(clientId: $a_client, input: {problem: "x", goals: []}) { version } }"#,
        ),
    ),
    (
        "Mutation.addMedication",
        &["clientId", "input"],
        ForeignIds(
            r#"mutation($a_client: ID!) { addMedication(clientId: $a_client, input: {name: "x", dose: "1", frequency: "1"}) { id } }"#,
        ),
    ),
    (
        "Mutation.updateMedication",
        &["clientId", "medicationId", "input"],
        ForeignIds(
            r#"mutation($a_client: ID!, $a_diagnosis: ID!) { updateMedication(clientId: $a_client, medicationId: $a_diagnosis, input: {name: "x", dose: "1", frequency: "1"}) { id } }"#,
        ),
    ),
    (
        "Mutation.requestAmendment",
        &["clientId", "input"],
        ForeignIds(
            r#"mutation($a_client: ID!) { requestAmendment(clientId: $a_client, input: {whatIsWrong: "x", shouldSay: "y"}) { id } }"#,
        ),
    ),
    (
        "Mutation.reviewAmendment",
        &["clientId", "requestId", "input"],
        ForeignIds(
            r#"mutation($a_client: ID!, $a_diagnosis: ID!) { reviewAmendment(clientId: $a_client, requestId: $a_diagnosis, input: {decision: ACCEPTED, reason: "x"}) { id } }"#,
        ),
    ),
    ("Query.formTemplates", &[], OwnPractice("{ formTemplates { id title schema } }")),
    (
        "Mutation.createFormTemplate",
        &["input"],
        OwnPractice(r#"mutation { createFormTemplate(input: {title: "B's form", schema: {type: "object"}}) { id } }"#),
    ),
    (
        "Mutation.createFormTemplateVersion",
        &["templateId", "input"],
        ForeignIds(
            r#"mutation($a_template: ID!) { createFormTemplateVersion(templateId: $a_template, input: {title: "Taken", schema: {type: "object"}}) { id version } }"#,
        ),
    ),
    (
        "Mutation.submitFormResponse",
        &["clientId", "input"],
        ForeignIds(
            "mutation($a_client: ID!) { submitFormResponse(clientId: $a_client, input: {instrument: PHQ9, answers: [0, 0, 0, 0, 0, 0, 0, 0, 0]}) { id } }",
        ),
    ),
    // Appointments: B's window must hold nothing of A's; B booking A's clinician and client
    // at the very time A's appointment holds must not learn that the slot is taken.
    (
        "Query.appointments",
        &["from", "to", "clinicianId", "clientId"],
        ForeignFilter(
            "query($a_from: DateTime!, $a_to: DateTime!, $a_clinician: ID!, $a_client: ID!) { \
             appointments(from: $a_from, to: $a_to, clinicianId: $a_clinician, clientId: $a_client) { id clientId clinicianId } \
             all: appointments(from: $a_from, to: $a_to) { id clientId clinicianId } }",
        ),
    ),
    (
        "Query.appointment",
        &["id"],
        ForeignIds("query($a_appointment: ID!) { appointment(id: $a_appointment) { id clientId startsAt } }"),
    ),
    (
        "Mutation.bookAppointment",
        &["input"],
        ForeignInput(
            "mutation($a_client: ID!, $a_clinician: ID!, $a_starts: DateTime!, $a_ends: DateTime!) { \
             bookAppointment(input: {clientId: $a_client, clinicianId: $a_clinician, startsAt: $a_starts, endsAt: $a_ends, modality: TELEHEALTH}) { id } }",
        ),
    ),
    (
        "Mutation.cancelAppointment",
        &["id"],
        ForeignIds("mutation($a_appointment: ID!) { cancelAppointment(id: $a_appointment) { id status } }"),
    ),
    (
        "Query.telehealthRoom",
        &["appointmentId"],
        ForeignIds(
            "query($a_appointment: ID!) { telehealthRoom(appointmentId: $a_appointment) { appointmentId recording } }",
        ),
    ),
    (
        "Mutation.setSessionRecording",
        &["appointmentId", "recording"],
        ForeignIds(
            "mutation($a_appointment: ID!) { setSessionRecording(appointmentId: $a_appointment, recording: true) { recording } }",
        ),
    ),
    ("Subscription.careTeamChanges", &[], Subscription("subscription { careTeamChanges { clinicianId } }")),
    ("Subscription.memberChanges", &[], Subscription("subscription { memberChanges { userId } }")),
];

const INTROSPECTION: &str = "{ __schema { queryType { name } mutationType { name } subscriptionType { name } \
    types { name fields { name args { name } } } } }";

/// Root fields as `Type.field` with their argument names, read from the live schema.
async fn root_fields(platform: &Platform, token: &str) -> Vec<(String, Vec<String>)> {
    let (_, body) = platform.gql(Some(token), INTROSPECTION, json!({})).await;
    let schema = &body["data"]["__schema"];
    let roots: Vec<&str> = ["queryType", "mutationType", "subscriptionType"]
        .iter()
        .filter_map(|kind| schema[kind]["name"].as_str())
        .collect();
    let mut fields = Vec::new();
    for ty in schema["types"].as_array().unwrap() {
        let name = ty["name"].as_str().unwrap();
        if !roots.contains(&name) {
            continue;
        }
        for field in ty["fields"].as_array().unwrap() {
            let args =
                field["args"].as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap().to_owned()).collect();
            fields.push((format!("{name}.{}", field["name"].as_str().unwrap()), args));
        }
    }
    fields
}

/// Practice A, everything its fields act on, and what must never show up in B's answers
/// (its ids, and its client's name and phone number).
struct PracticeA {
    vars: Value,
    ids: Vec<String>,
    admin: String,
}

async fn practice_a(platform: &Platform) -> PracticeA {
    let tenant = platform.tenant().await;
    let admin = platform.person(tenant, &["practice_admin"]).await;
    let clinician = platform.person(tenant, &["clinician"]).await;
    let client = platform.person(tenant, &["client"]).await;
    let staff = platform.person(tenant, &["staff"]).await;
    platform.assign(tenant, clinician.user, client.user).await;
    let (api, _) = platform.api_client(tenant, &["identity:read"]).await;
    // A's client has a chart whose name B will search for.
    let a_name = format!("Client {}", client.user.as_uuid().simple());
    let chart = r#"mutation($id: ID!, $name: String!) { updateClientDemographics(clientId: $id, input: {legalName: $name, phone: "555-0100"}) { id } }"#;
    let (_, body) =
        platform.gql(Some(&admin.token), chart, json!({ "id": client.user.to_string(), "name": a_name })).await;
    assert!(body["errors"].is_null(), "A's chart: {body}");
    // A's clinician writes a note for A's client.
    let note = r#"mutation($id: ID!) { createProgressNote(clientId: $id, input: {template: SOAP, sections: [{name: "plan", text: "A's plan"}]}) { id } }"#;
    let (_, body) = platform.gql(Some(&clinician.token), note, json!({ "id": client.user.to_string() })).await;
    let a_note =
        body["data"]["createProgressNote"]["id"].as_str().unwrap_or_else(|| panic!("A's note: {body}")).to_owned();
    // A's clinician keeps a psychotherapy note; another clinician of A breaks the glass.
    let pnote = r#"mutation($id: ID!) { createPsychotherapyNote(clientId: $id, text: "A's process note") { id } }"#;
    let (_, body) = platform.gql(Some(&clinician.token), pnote, json!({ "id": client.user.to_string() })).await;
    let a_pnote = body["data"]["createPsychotherapyNote"]["id"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();
    let on_call = platform.person(tenant, &["clinician"]).await;
    let glass =
        r#"mutation($id: ID!) { breakGlass(clientId: $id, reason: "A's emergency, the client is in crisis") { id } }"#;
    let (_, body) = platform.gql(Some(&on_call.token), glass, json!({ "id": client.user.to_string() })).await;
    let a_grant = body["data"]["breakGlass"]["id"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();
    // And records a diagnosis for them.
    let diagnosis = r#"mutation($id: ID!) { addDiagnosis(clientId: $id, input: {code: "F41.1", description: "A's diagnosis", status: ACTIVE}) { id } }"#;
    let (_, body) = platform.gql(Some(&clinician.token), diagnosis, json!({ "id": client.user.to_string() })).await;
    let a_diagnosis =
        body["data"]["addDiagnosis"]["id"].as_str().unwrap_or_else(|| panic!("A's diagnosis: {body}")).to_owned();
    let (a_template, a_document) = forms_and_documents_of_a(platform, &clinician, &client).await;
    // Booked before A requires its own consent template below, which the client never signs.
    let appointment = appointment_of_a(platform, &clinician, &client).await;
    let (a_consent_template, a_consent_document) = consent_of_a(platform, &admin, &client).await;
    let disclosure = disclosure_of_a(platform, &admin, &client).await;
    let vars = json!({
        "a_diagnosis": a_diagnosis.clone(),
        "a_template": a_template.clone(),
        "a_consent_template": a_consent_template.clone(),
        "a_consent_document": a_consent_document.clone(),
        "a_release": disclosure.release.clone(),
        "a_authorization": disclosure.authorization.clone(),
        "a_restriction": disclosure.restriction.clone(),
        "a_note": a_note.clone(),
        "a_pnote": a_pnote.clone(),
        "a_appointment": appointment.id.clone(),
        "a_starts": appointment.starts_at, "a_ends": appointment.ends_at,
        "a_from": appointment.from, "a_to": appointment.to,
        "a_name": a_name.clone(),
        "a_clinician": clinician.user.to_string(), "a_client": client.user.to_string(), "a_tenant": tenant.to_string(),
        "a_staff": staff.user.to_string(), "a_api": api, "a_session": clinician.session.to_string(),
    });
    let ids = [tenant.to_string(), admin.user.to_string(), clinician.user.to_string(), client.user.to_string()]
        .into_iter()
        .chain([staff.user.to_string(), api, clinician.session.to_string(), admin.session.to_string()])
        .chain([a_name, "555-0100".to_owned(), a_note, "A's plan".to_owned()])
        .chain([a_pnote, "A's process note".to_owned(), a_grant, "A's emergency".to_owned(), on_call.user.to_string()])
        .chain([a_diagnosis, "A's diagnosis".to_owned()])
        .chain([a_template, "A's intake".to_owned(), a_document, "A's letter".to_owned()])
        .chain([a_consent_template, "A's consent".to_owned(), a_consent_document, "A's signer".to_owned()])
        .chain([disclosure.release, disclosure.authorization, disclosure.restriction, disclosure.disclosure])
        .chain([appointment.id])
        .chain(["A's purpose".to_owned(), "A's restriction".to_owned(), "a-recipient@example.test".to_owned()])
        .collect();
    PracticeA { vars, ids, admin: admin.token }
}

/// A's clinician defines a form template and uploads a document for A's client, who answers
/// a PHQ-9: their ids and titles must never reach B.
async fn forms_and_documents_of_a(platform: &Platform, clinician: &Person, client: &Person) -> (String, String) {
    let template = r#"mutation { createFormTemplate(input: {title: "A's intake", schema: {type: "object"}}) { id } }"#;
    let (_, body) = platform.gql(Some(&clinician.token), template, json!({})).await;
    let a_template =
        body["data"]["createFormTemplate"]["id"].as_str().unwrap_or_else(|| panic!("A's template: {body}"));
    let phq = "mutation($id: ID!) { submitFormResponse(clientId: $id, input: {instrument: PHQ9, answers: [1, 1, 1, 1, 1, 1, 1, 1, 1]}) { id } }";
    let (_, body) = platform.gql(Some(&client.token), phq, json!({ "id": client.user.to_string() })).await;
    assert!(body["errors"].is_null(), "A's response: {body}");
    let url = format!("{}/files/clients/{}/documents", platform.gateway().address, client.user);
    let response = platform
        .http
        .post(url)
        .bearer_auth(&clinician.token)
        .header("x-document-title", "A%27s%20letter")
        .body("A's letter, as text")
        .send()
        .await
        .unwrap();
    let document: Value = response.json().await.unwrap();
    let a_document = document["id"].as_str().unwrap_or_else(|| panic!("A's document: {document}"));
    (a_template.to_owned(), a_document.to_owned())
}

/// A's telehealth appointment and the window around it.
struct AppointmentOfA {
    id: String,
    starts_at: String,
    ends_at: String,
    from: String,
    to: String,
}

/// A's clinician books a telehealth session with A's client, a week ahead.
async fn appointment_of_a(platform: &Platform, clinician: &Person, client: &Person) -> AppointmentOfA {
    let now = chrono::Utc::now();
    let starts_at = (now + chrono::Duration::days(7)).to_rfc3339();
    let ends_at = (now + chrono::Duration::days(7) + chrono::Duration::minutes(50)).to_rfc3339();
    let book = "mutation($client: ID!, $clinician: ID!, $s: DateTime!, $e: DateTime!) { bookAppointment(input: \
                {clientId: $client, clinicianId: $clinician, startsAt: $s, endsAt: $e, modality: TELEHEALTH}) { id } }";
    let vars = json!({ "client": client.user.to_string(), "clinician": clinician.user.to_string(), "s": starts_at, "e": ends_at });
    let (_, body) = platform.gql(Some(&clinician.token), book, vars).await;
    let id = body["data"]["bookAppointment"]["id"].as_str().unwrap_or_else(|| panic!("A's appointment: {body}"));
    let (from, to) = (now.to_rfc3339(), (now + chrono::Duration::days(30)).to_rfc3339());
    AppointmentOfA { id: id.to_owned(), starts_at, ends_at, from, to }
}

/// A's admin writes a consent template and requires it; A's client signs the built-in
/// telehealth consent: their ids, titles and the typed name must never reach B.
async fn consent_of_a(platform: &Platform, admin: &Person, client: &Person) -> (String, String) {
    let template = r#"mutation { createConsentTemplate(input: {kind: OTHER, title: "A's consent", body: "A's consent text"}) { key } }"#;
    let (_, body) = platform.gql(Some(&admin.token), template, json!({})).await;
    let key = body["data"]["createConsentTemplate"]["key"].as_str().unwrap_or_else(|| panic!("A's consent: {body}"));
    let require = "mutation($k: String!) { setConsentRequirements(templates: [$k]) }";
    let (_, body) = platform.gql(Some(&admin.token), require, json!({ "k": key })).await;
    assert!(body["errors"].is_null(), "A's requirements: {body}");
    let read = r#"{ consentTemplate(key: "telehealth") { version bodySha256 } }"#;
    let (_, body) = platform.gql(Some(&client.token), read, json!({})).await;
    let telehealth = &body["data"]["consentTemplate"];
    let sign = r#"mutation($id: ID!, $v: Int!, $h: String!) { signConsentDocument(clientId: $id, input: {template: "telehealth", version: $v, textSha256: $h, typedName: "A's signer"}) { id } }"#;
    let vars = json!({ "id": client.user.to_string(), "v": telehealth["version"], "h": telehealth["bodySha256"] });
    let (_, body) = platform.gql(Some(&client.token), sign, vars).await;
    let document =
        body["data"]["signConsentDocument"]["id"].as_str().unwrap_or_else(|| panic!("A's signature: {body}"));
    (key.to_owned(), document.to_owned())
}

/// What A's client authorized, restricted, and A's practice disclosed.
struct DisclosureOfA {
    release: String,
    authorization: String,
    restriction: String,
    disclosure: String,
}

/// A's client authorizes diagnoses to an outside recipient and asks for a restriction; A's
/// admin records a disclosure: none of their ids, the purpose, the recipient's address or the
/// restriction's text may reach B.
async fn disclosure_of_a(platform: &Platform, admin: &Person, client: &Person) -> DisclosureOfA {
    let read = r#"{ consentTemplate(key: "release-of-information") { version bodySha256 } }"#;
    let (_, body) = platform.gql(Some(&client.token), read, json!({})).await;
    let t = &body["data"]["consentTemplate"];
    let sign = r#"mutation($id: ID!, $v: Int!, $h: String!) { signConsentDocument(clientId: $id, input: {template: "release-of-information", version: $v, textSha256: $h, typedName: "A's signer"}) { id } }"#;
    let client_id = client.user.to_string();
    let (_, body) = platform
        .gql(Some(&client.token), sign, json!({ "id": client_id, "v": t["version"], "h": t["bodySha256"] }))
        .await;
    let release =
        body["data"]["signConsentDocument"]["id"].as_str().unwrap_or_else(|| panic!("A's release: {body}")).to_owned();
    let recipient = r#"{kind: OUTSIDE, name: "A's recipient", email: "a-recipient@example.test"}"#;
    let authorize = format!(
        "mutation($id: ID!, $s: ID!) {{ authorizeDisclosure(clientId: $id, input: {{signatureId: $s, recipient: {recipient},          categories: [DIAGNOSES], purpose: \"A's purpose\", expiresOn: TRANSFER_COMPLETED}}) {{ id }} }}"
    );
    let (_, body) = platform.gql(Some(&client.token), &authorize, json!({ "id": client_id, "s": release })).await;
    let authorization =
        body["data"]["authorizeDisclosure"]["id"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();
    let restrict = r#"mutation($id: ID!) { requestRestriction(clientId: $id, input: {categories: [DOCUMENTS], description: "A's restriction"}) { id } }"#;
    let (_, body) = platform.gql(Some(&client.token), restrict, json!({ "id": client_id })).await;
    let restriction = body["data"]["requestRestriction"]["id"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();
    let record = format!(
        "mutation($id: ID!) {{ recordDisclosure(clientId: $id, input: {{recipient: {recipient}, categories: [DIAGNOSES],          channel: \"by post\"}}) {{ id }} }}"
    );
    let (_, body) = platform.gql(Some(&admin.token), &record, json!({ "id": client_id })).await;
    let disclosure = body["data"]["recordDisclosure"]["id"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();
    DisclosureOfA { release, authorization, restriction, disclosure }
}

/// What A's admin sees of A: compared before and after B's attempts.
async fn snapshot(platform: &Platform, a: &PracticeA) -> Value {
    let query = "query($a_client: ID!, $a_appointment: ID!) { tenant { id policy { idleTimeoutSecs mfaRequiredRoles } } \
                 members(first: 100) { edges { node { id roles status } } } \
                 careTeam { clinicianId clientId } apiClients { id revoked approved } formTemplates { id version title } \
                 consentTemplates { key version title } consentRequirements \
                 consentDocuments(clientId: $a_client) { id typedName withdrawnAt } \
                 disclosureAuthorizations(clientId: $a_client) { id status revokedAt } \
                 disclosureRestrictions(clientId: $a_client) { id status reviewedAt } \
                 accountingOfDisclosures(clientId: $a_client) { id } \
                 appointment(id: $a_appointment) { status startsAt cancelledAt } \
                 client(id: $a_client) { demographics { legalName phone } updatedAt } }";
    let vars = json!({ "a_client": a.vars["a_client"], "a_appointment": a.vars["a_appointment"] });
    let (_, body) = platform.gql(Some(&a.admin), query, vars).await;
    assert!(body["errors"].is_null(), "A's own view: {body}");
    body["data"].clone()
}

#[tokio::test]
async fn practice_b_reaches_nothing_of_practice_a_through_any_field() {
    // Arrange
    let platform = spawn().await;
    let a = practice_a(&platform).await;
    let b_tenant = platform.tenant().await;
    let b = platform.person(b_tenant, &["practice_admin"]).await;
    let before = snapshot(&platform, &a).await;
    let mut failures = Vec::new();

    // Every field of the live schema must be classified, with the arguments it has now.
    let live = root_fields(&platform, &b.token).await;
    for (name, args) in &live {
        match FIELDS.iter().find(|(known, _, _)| known == name) {
            None => failures.push(format!("{name} is not classified in the isolation suite (tests/api/isolation.rs)")),
            Some((_, known_args, _)) if known_args != args => {
                failures.push(format!("{name} takes {args:?} now, the suite knows {known_args:?}: classify again"))
            }
            Some(_) => {}
        }
    }
    for (name, _, _) in FIELDS {
        if !live.iter().any(|(field, _)| field == name) {
            failures.push(format!("{name} is classified but no longer in the schema"));
        }
    }

    // Act and assert, field by field.
    for (name, _, exercise) in FIELDS {
        match exercise {
            ForeignIds(query) | ForeignInput(query) | ForeignFilter(query) | OwnPractice(query) => {
                let (_, body) = platform.gql(Some(&b.token), query, a.vars.clone()).await;
                let text = body.to_string();
                if let Some(id) = a.ids.iter().find(|id| text.contains(id.as_str())) {
                    failures.push(format!("{name}: B's answer holds A's id {id}: {body}"));
                }
                let refused = codes(&body).iter().any(|c| c == "NOT_FOUND" || c == "FORBIDDEN");
                if matches!(exercise, ForeignIds(_)) && !refused {
                    failures.push(format!("{name}: with A's ids B must get NOT_FOUND or FORBIDDEN: {body}"));
                }
                let refused_input = refused || codes(&body).iter().any(|c| c == "BAD_USER_INPUT");
                if matches!(exercise, ForeignInput(_)) && !refused_input {
                    failures.push(format!("{name}: naming A's people B must be refused: {body}"));
                }
                // Anonymous callers get nothing either.
                let (_, anonymous) = platform.gql(None, query, a.vars.clone()).await;
                if codes(&anonymous).first().map(String::as_str) != Some("UNAUTHENTICATED") {
                    failures.push(format!("{name}: anonymous must be UNAUTHENTICATED: {anonymous}"));
                }
            }
            Subscription(query) => {
                let mut sub = subscribe(&platform.gateway().address, &b.token, query).await;
                tokio::time::sleep(Duration::from_millis(300)).await;
                cause_events_in_a(&platform, &a).await;
                let next = sub.next(Duration::from_secs(2)).await;
                if next != Next::Nothing {
                    failures.push(format!("{name}: B received {next:?} from A's practice"));
                }
            }
        }
    }

    // A is exactly as it was (the events caused for the subscriptions are undone).
    let after = snapshot(&platform, &a).await;
    if after != before {
        failures.push(format!("A changed:\nbefore {before}\nafter  {after}"));
    }
    assert!(failures.is_empty(), "isolation failures:\n{}", failures.join("\n"));
}

/// A care-team change and a membership change in A, then undone.
async fn cause_events_in_a(platform: &Platform, a: &PracticeA) {
    let unassign = "mutation($a_clinician: ID!, $a_client: ID!) { unassignCareTeam(clinicianId: $a_clinician, clientId: $a_client) { clinicianId } }";
    let assign = "mutation($a_clinician: ID!, $a_client: ID!) { assignCareTeam(clinicianId: $a_clinician, clientId: $a_client) { clinicianId } }";
    let roles = "mutation($a_staff: ID!) { setMemberRoles(userId: $a_staff, roles: [STAFF]) { id } }";
    for query in [unassign, assign, roles] {
        let (_, body) = platform.gql(Some(&a.admin), query, a.vars.clone()).await;
        assert!(body["errors"].is_null(), "A's own change: {body}");
    }
}
