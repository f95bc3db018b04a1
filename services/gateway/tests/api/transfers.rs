//! The records transfer end to end through GraphQL, with two practices: a clinician of
//! practice B asks practice A for a client's records; B learns nothing until the client
//! approves; the client approves some categories; records packages exactly what is
//! authorized (SUD records and psychotherapy notes stay without their own consent); B
//! downloads the bundle once; the client reads the disclosure in the accounting.

use serde_json::{Value, json};

use crate::disclosure::signed;
use crate::harness::{Person, Platform, codes, spawn};

async fn gql(p: &Platform, who: &Person, query: &str, vars: Value) -> Value {
    let (_, body) = p.gql(Some(&who.token), query, vars).await;
    body
}

fn email(person: &Person) -> String {
    format!("{}@example.test", person.user.as_uuid().simple())
}

/// A's clinician charts for the client: a plain and an SUD diagnosis (by code), a plain and
/// an SUD-flagged signed note, a medication, a psychotherapy note.
pub(crate) async fn chart(p: &Platform, clinician: &Person, client: &Person) {
    let vars = json!({ "c": client.user.to_string() });
    let record = r#"mutation($c: ID!) {
        anxiety: addDiagnosis(clientId: $c, input: {code: "F41.1", description: "Generalized anxiety", status: ACTIVE}) { id }
        alcohol: addDiagnosis(clientId: $c, input: {code: "F10.20", description: "Alcohol dependence", status: ACTIVE}) { id }
        addMedication(clientId: $c, input: {name: "Sertraline", dose: "50 mg", frequency: "daily"}) { id }
        createPsychotherapyNote(clientId: $c, text: "Process note: transference") { id }
        plain: createProgressNote(clientId: $c, input: {template: DAP, sections: [{name: "data", text: "Sleep improving"}]}) { id }
        sud: createProgressNote(clientId: $c, input: {template: DAP, sections: [{name: "data", text: "Relapse talk"}], sud: true}) { id }
    }"#;
    let body = gql(p, clinician, record, vars).await;
    assert!(body["errors"].is_null(), "{body}");
    for note in ["plain", "sud"] {
        let sign = "mutation($c: ID!, $n: ID!) { signProgressNote(clientId: $c, noteId: $n) { id } }";
        let vars = json!({ "c": client.user.to_string(), "n": body["data"][note]["id"] });
        let signed = gql(p, clinician, sign, vars).await;
        assert!(signed["errors"].is_null(), "{signed}");
    }
}

/// Every attachment of the bundle, decoded, as one text.
pub(crate) fn attachments(bundle: &Value) -> String {
    use base64::Engine as _;
    let mut text = String::new();
    for entry in bundle["entry"].as_array().into_iter().flatten() {
        for content in entry["resource"]["content"].as_array().into_iter().flatten() {
            if let Some(data) = content["attachment"]["data"].as_str() {
                let bytes = base64::engine::general_purpose::STANDARD.decode(data).unwrap_or_default();
                text.push_str(&String::from_utf8_lossy(&bytes));
            }
        }
    }
    text
}

const SENT: &str = "{ sentRecordsRequests { id status } }";

#[tokio::test]
async fn a_client_approves_some_categories_and_only_those_reach_the_other_practice_once() {
    // Arrange: practice A with a charted client who signed a release; practice B asks.
    let p = spawn().await;
    let (a, b) = (p.tenant().await, p.tenant().await);
    let (clinician_a, client) = (p.person(a, &["clinician"]).await, p.person(a, &["client"]).await);
    p.assign(a, clinician_a.user, client.user).await;
    chart(&p, &clinician_a, &client).await;
    signed(&p, &client, "release-of-information").await;
    let clinician_b = p.person(b, &["clinician"]).await;
    let ask = r#"mutation($a: ID!, $email: String!) { requestRecords(input: {practiceId: $a, clientEmail: $email,
        purpose: "Continuity of care", categories: [DIAGNOSES, PROGRESS_NOTES, MEDICATIONS, PSYCHOTHERAPY_NOTES, SUD_RECORDS]})
        { id status categories } }"#;
    let asked = gql(&p, &clinician_b, ask, json!({ "a": a.to_string(), "email": email(&client) })).await;
    let request = asked["data"]["requestRecords"]["id"].as_str().unwrap_or_else(|| panic!("{asked}")).to_owned();
    let stranger = gql(&p, &clinician_b, ask, json!({ "a": a.to_string(), "email": "nobody@example.test" })).await;
    let strip = |v: &Value| json!({ "status": v["status"], "categories": v["categories"] });
    assert_eq!(strip(&asked["data"]["requestRecords"]), strip(&stranger["data"]["requestRecords"]), "same receipt");

    // Before the client answers, B sees two requests alike and can download neither.
    let sent = gql(&p, &clinician_b, SENT, json!({})).await;
    assert_eq!(sent["data"]["sentRecordsRequests"].to_string().matches("PENDING").count(), 2, "{sent}");
    let download = "mutation($r: ID!) { downloadRecords(requestId: $r) { contentType content } }";
    let early = gql(&p, &clinician_b, download, json!({ "r": request })).await;
    assert_eq!(codes(&early), ["CONFLICT"], "{early}");

    // Act: the client reads who asks and approves diagnoses and progress notes only.
    let mine =
        "query($c: ID!) { recordsRequests(clientId: $c) { id purpose requester { email practiceName } status } }";
    let seen = gql(&p, &client, mine, json!({ "c": client.user.to_string() })).await;
    let requests = seen["data"]["recordsRequests"].as_array().unwrap_or_else(|| panic!("{seen}"));
    assert_eq!(requests.len(), 1, "only the request naming them: {seen}");
    assert_eq!(requests[0]["requester"]["email"], email(&clinician_b));
    let answer = "mutation($c: ID!, $r: ID!) { answerRecordsRequest(clientId: $c, requestId: $r,
        input: {approve: true, categories: [DIAGNOSES, PROGRESS_NOTES]}) { status approved packaged } }";
    let answered = gql(&p, &client, answer, json!({ "c": client.user.to_string(), "r": request })).await;
    assert_eq!(answered["data"]["answerRecordsRequest"]["packaged"], true, "{answered}");
    assert_eq!(answered["data"]["answerRecordsRequest"]["approved"], json!(["DIAGNOSES", "PROGRESS_NOTES"]));

    // Assert: B downloads exactly what was approved, once.
    let sent = gql(&p, &clinician_b, SENT, json!({})).await;
    assert!(sent.to_string().contains("READY"), "{sent}");
    let got = gql(&p, &clinician_b, download, json!({ "r": request })).await;
    let content = got["data"]["downloadRecords"]["content"].as_str().unwrap_or_else(|| panic!("{got}"));
    let bundle: Value = serde_json::from_str(content).unwrap_or_else(|e| panic!("{e}: {content}"));
    let kinds = |kind: &str| -> Vec<Value> {
        let entries = bundle["entry"].as_array().unwrap_or_else(|| panic!("{bundle}"));
        entries.iter().map(|e| e["resource"].clone()).filter(|r| r["resourceType"] == kind).collect()
    };
    let conditions = kinds("Condition");
    assert_eq!(conditions.len(), 1, "F10.20 is an SUD record: no Part 2 consent, not disclosed");
    assert!(conditions[0].to_string().contains("F41.1"));
    let documents = attachments(&bundle);
    assert!(documents.contains("Sleep improving"), "{documents}");
    assert!(!documents.contains("Relapse talk"), "the SUD-flagged note stays without a Part 2 consent");
    assert!(!documents.contains("transference"), "psychotherapy notes never without their authorization");
    assert!(kinds("MedicationStatement").is_empty(), "medications were not approved");
    assert!(!kinds("Consent").is_empty(), "the authorization travels with the records");
    let again = gql(&p, &clinician_b, download, json!({ "r": request })).await;
    assert_eq!(codes(&again), ["CONFLICT"], "once: {again}");

    // The client reads the disclosure; a third practice reaches nothing.
    let accounting =
        "query($c: ID!) { accountingOfDisclosures(clientId: $c) { categories recipient { kind userId } } }";
    let lines = gql(&p, &client, accounting, json!({ "c": client.user.to_string() })).await;
    let line = &lines["data"]["accountingOfDisclosures"][0];
    assert_eq!(line["categories"], json!(["DIAGNOSES", "PROGRESS_NOTES"]), "{lines}");
    assert_eq!(line["recipient"]["userId"], clinician_b.user.to_string());
    let c = p.tenant().await;
    let outsider = p.person(c, &["clinician"]).await;
    assert_eq!(codes(&gql(&p, &outsider, download, json!({ "r": request })).await), ["NOT_FOUND"]);
}
