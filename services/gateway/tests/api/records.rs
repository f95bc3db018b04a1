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

#[tokio::test]
async fn a_clinician_drafts_signs_and_amends_a_progress_note_and_a_signed_note_never_changes() {
    // Arrange
    let platform = spawn().await;
    let tenant = platform.tenant().await;
    let clinician = platform.person(tenant, &["clinician"]).await;
    let client = platform.person(tenant, &["client"]).await;
    platform.assign(tenant, clinician.user, client.user).await;
    let token = Some(clinician.token.as_str());
    let create = r#"mutation($c: ID!) { createProgressNote(clientId: $c, input: {template: SOAP,
        sections: [{name: "subjective", text: "Slept better"}]}) { id status } }"#;
    let update = r#"mutation($c: ID!, $n: ID!) { updateProgressNote(clientId: $c, noteId: $n, input: {template: SOAP,
        sections: [{name: "subjective", text: "Slept better this week"}]}) { id } }"#;
    let sign =
        "mutation($c: ID!, $n: ID!) { signProgressNote(clientId: $c, noteId: $n) { status contentHash signedBy } }";
    let amend = r#"mutation($c: ID!, $n: ID!) { amendProgressNote(clientId: $c, noteId: $n, input: {template: SOAP,
        sections: [{name: "plan", text: "Add a sleep diary"}]}) { id amends status } }"#;
    let list =
        "query($c: ID!) { progressNotes(clientId: $c) { id status author { displayName } sections { name text } } }";
    let c = client.user.to_string();

    // Act: draft, edit, sign, try to edit again, amend.
    let (_, created) = platform.gql(token, create, json!({ "c": c })).await;
    let note = created["data"]["createProgressNote"]["id"].as_str().unwrap_or_else(|| panic!("{created}")).to_owned();
    let vars = json!({ "c": c, "n": note });
    let (_, edited) = platform.gql(token, update, vars.clone()).await;
    let (_, signed) = platform.gql(token, sign, vars.clone()).await;
    let (_, late_edit) = platform.gql(token, update, vars.clone()).await;
    let (_, amended) = platform.gql(token, amend, vars).await;
    let (_, notes) = platform.gql(token, list, json!({ "c": c })).await;

    // Assert
    assert!(edited["errors"].is_null(), "{edited}");
    assert_eq!(signed["data"]["signProgressNote"]["status"], "SIGNED", "{signed}");
    assert_eq!(signed["data"]["signProgressNote"]["contentHash"].as_str().map(str::len), Some(64), "{signed}");
    assert_eq!(signed["data"]["signProgressNote"]["signedBy"], clinician.user.to_string());
    assert_eq!(codes(&late_edit), ["CONFLICT"], "{late_edit}");
    assert_eq!(amended["data"]["amendProgressNote"]["amends"], note.as_str(), "{amended}");
    assert_eq!(amended["data"]["amendProgressNote"]["status"], "DRAFT");
    let listed = notes["data"]["progressNotes"].as_array().cloned().unwrap_or_default();
    assert_eq!(listed.len(), 2, "{notes}");
    assert_eq!(listed[0]["author"]["displayName"], "Test Person");
    let subjective = listed[0]["sections"].as_array().unwrap().iter().find(|s| s["name"] == "subjective").cloned();
    assert_eq!(
        subjective.map(|s| s["text"].clone()),
        Some(json!("Slept better this week")),
        "signed text kept: {notes}"
    );
}

#[tokio::test]
async fn a_clinician_breaks_the_glass_reads_the_notes_and_the_admin_reviews_who_and_why() {
    // Arrange: a signed note by the treating clinician; an on-call clinician off the team.
    let platform = spawn().await;
    let tenant = platform.tenant().await;
    let treating = platform.person(tenant, &["clinician"]).await;
    let on_call = platform.person(tenant, &["clinician"]).await;
    let admin = platform.person(tenant, &["practice_admin"]).await;
    let client = platform.person(tenant, &["client"]).await;
    platform.assign(tenant, treating.user, client.user).await;
    let id = client.user.to_string();
    let draft = r#"mutation($id: ID!) { createProgressNote(clientId: $id, input: {template: DAP, sections: [{name: "data", text: "panic"}]}) { id } }"#;
    let (_, body) = platform.gql(Some(&treating.token), draft, json!({ "id": id })).await;
    assert!(body["errors"].is_null(), "{body}");
    let notes = "query($id: ID!) { progressNotes(clientId: $id) { id } }";
    let (_, body) = platform.gql(Some(&on_call.token), notes, json!({ "id": id })).await;
    assert_eq!(codes(&body), ["FORBIDDEN"], "{body}");

    // Act
    let open = r#"mutation($id: ID!) { breakGlass(clientId: $id, reason: "Client called in crisis, treating clinician away") { id expiresAt } }"#;
    let (_, body) = platform.gql(Some(&on_call.token), open, json!({ "id": id })).await;

    // Assert
    assert!(body["errors"].is_null(), "{body}");
    let (_, body) = platform.gql(Some(&on_call.token), notes, json!({ "id": id })).await;
    assert_eq!(body["data"]["progressNotes"].as_array().map(Vec::len), Some(1), "{body}");
    let review = "{ breakGlassOpenings(activeOnly: true) { reason clientId clinician { id } } }";
    let (_, body) = platform.gql(Some(&admin.token), review, json!({})).await;
    let opening = &body["data"]["breakGlassOpenings"][0];
    assert_eq!(opening["reason"], "Client called in crisis, treating clinician away", "{body}");
    assert_eq!(opening["clinician"]["id"], on_call.user.to_string());
    assert_eq!(opening["clientId"], id);
    // The client sees who read their record and why.
    let access = "{ myRecordAccess(first: 20) { edges { node { action outcome actorId reason breakGlassOpening } } } }";
    let (_, body) = platform.gql(Some(&client.token), access, json!({})).await;
    let edges = body["data"]["myRecordAccess"]["edges"].as_array().unwrap_or_else(|| panic!("{body}"));
    let emergency: Vec<&serde_json::Value> = edges
        .iter()
        .map(|e| &e["node"])
        .filter(|n| n["outcome"] == "success" && n["actorId"] == on_call.user.to_string().as_str())
        .collect();
    // The opening and the read under it.
    assert_eq!(emergency.len(), 2, "{body}");
    for node in emergency {
        assert_eq!(node["reason"], "emergency access (break-glass)", "{body}");
        assert!(node["breakGlassOpening"].is_string(), "{body}");
    }
    // Psychotherapy notes stay their author's: the on-call clinician gets no list.
    let pnotes = "query($id: ID!) { psychotherapyNotes(clientId: $id) { id } }";
    let (_, body) = platform.gql(Some(&on_call.token), pnotes, json!({ "id": id })).await;
    assert_eq!(codes(&body), ["FORBIDDEN"], "{body}");
}

const EXPORT: &str = "query($id: ID!, $format: ExportFormat!) { exportChart(clientId: $id, format: $format) { format contentType content } }";

#[tokio::test]
async fn a_client_exports_their_own_record_and_another_practice_gets_nothing() {
    // Arrange
    let platform = spawn().await;
    let tenant = platform.tenant().await;
    let staff = platform.person(tenant, &["staff"]).await;
    let client = platform.person(tenant, &["client"]).await;
    let other = platform.tenant().await;
    let outsider = platform.person(other, &["clinician"]).await;
    let id = client.user.to_string();
    let (_, body) = platform.gql(Some(&staff.token), UPDATE, json!({ "id": id, "name": "Rae Export" })).await;
    assert!(body["errors"].is_null(), "{body}");

    // Act
    let (_, fhir) = platform.gql(Some(&client.token), EXPORT, json!({ "id": id, "format": "FHIR" })).await;
    let (_, html) = platform.gql(Some(&client.token), EXPORT, json!({ "id": id, "format": "HTML" })).await;
    let (_, foreign) = platform.gql(Some(&outsider.token), EXPORT, json!({ "id": id, "format": "FHIR" })).await;

    // Assert
    let export = &fhir["data"]["exportChart"];
    assert_eq!(
        (&export["format"], &export["contentType"]),
        (&json!("FHIR"), &json!("application/fhir+json")),
        "{fhir}"
    );
    let bundle: serde_json::Value = serde_json::from_str(export["content"].as_str().unwrap()).unwrap();
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["entry"][0]["resource"]["name"][0]["text"], "Rae Export");
    let page = &html["data"]["exportChart"];
    assert_eq!(page["contentType"], "text/html; charset=utf-8", "{html}");
    assert!(page["content"].as_str().unwrap().contains("Rae Export"));
    // Asked within their own practice, where the client is on no care team of theirs.
    let refused = codes(&foreign);
    assert!(refused == ["FORBIDDEN"] || refused == ["NOT_FOUND"], "{foreign}");
    assert!(!foreign.to_string().contains("Rae Export"));
}
