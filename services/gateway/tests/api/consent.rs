//! Consent documents through GraphQL, as a practice and its client use them: the admin
//! writes and requires a template, the client reads and signs it in the portal (the
//! address and user agent the gateway saw are kept), a changed template must be read
//! again, the front desk sees only whether the client is ready, a withdrawal ends the
//! recording consent, and another practice sees none of it.

use serde_json::{Value, json};

use crate::harness::{Person, Platform, codes, spawn};

const READINESS: &str =
    "query($c: ID!) { consentReadiness(clientId: $c) { readyToBook missing { template title } recordingConsented } }";
const SIGN: &str = "mutation($c: ID!, $t: String!, $v: Int!, $h: String!) { signConsentDocument(clientId: $c, \
                    input: {template: $t, version: $v, textSha256: $h, typedName: \"Robin Client\"}) \
                    { id template kind title version text textSha256 typedName ip userAgent signedAt withdrawnAt } }";

/// `template` as `who` reads it: version and hash, what a signature quotes.
async fn read(p: &Platform, who: &Person, template: &str) -> Value {
    let query = "query($k: String!) { consentTemplate(key: $k) { key kind title version body bodySha256 } }";
    let (_, body) = p.gql(Some(&who.token), query, json!({ "k": template })).await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["consentTemplate"].clone()
}

/// Signs `template` as read, with a browser's user agent on the request.
async fn sign(p: &Platform, client: &Person, template: &Value) -> Value {
    let vars = json!({ "c": client.user.to_string(), "t": template["key"], "v": template["version"], "h": template["bodySha256"] });
    let response = p
        .http
        .post(format!("{}/graphql", p.gateway().address))
        .bearer_auth(&client.token)
        .header("user-agent", "Mozilla/5.0 (portal test)")
        .json(&json!({ "query": SIGN, "variables": vars }))
        .send()
        .await
        .unwrap();
    response.json().await.unwrap()
}

#[tokio::test]
async fn a_client_signs_what_the_practice_requires_and_the_practice_sees_it_done() {
    // Arrange: the practice requires its own intake policy and the telehealth consent.
    let p = spawn().await;
    let tenant = p.tenant().await;
    let (admin, client) = (p.person(tenant, &["practice_admin"]).await, p.person(tenant, &["client"]).await);
    let staff = p.person(tenant, &["staff"]).await;
    let create = "mutation { createConsentTemplate(input: {kind: OTHER, title: \"Intake policy\", body: \"# Intake\\nWe see you weekly.\"}) { key version } }";
    let (_, body) = p.gql(Some(&admin.token), create, json!({})).await;
    let policy = body["data"]["createConsentTemplate"]["key"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();
    let require = "mutation($k: [String!]!) { setConsentRequirements(templates: $k) }";
    let (_, body) = p.gql(Some(&admin.token), require, json!({ "k": [policy.clone(), "telehealth"] })).await;
    assert!(body["errors"].is_null(), "{body}");
    let vars = json!({ "c": client.user.to_string() });
    let (_, body) = p.gql(Some(&staff.token), READINESS, vars.clone()).await;
    assert_eq!(body["data"]["consentReadiness"]["readyToBook"], false, "{body}");
    assert_eq!(body["data"]["consentReadiness"]["missing"].as_array().map(Vec::len), Some(2), "{body}");

    // Act: the client reads and signs both.
    let telehealth = read(&p, &client, "telehealth").await;
    let signed = sign(&p, &client, &telehealth).await;
    let policy_v1 = read(&p, &client, &policy).await;
    assert!(sign(&p, &client, &policy_v1).await["errors"].is_null());

    // Assert: the signature is the text as read, with the evidence the gateway saw.
    let document = &signed["data"]["signConsentDocument"];
    assert_eq!(document["text"], telehealth["body"], "{signed}");
    assert_eq!(document["textSha256"], telehealth["bodySha256"]);
    assert_eq!(document["typedName"], "Robin Client");
    assert_eq!(document["userAgent"], "Mozilla/5.0 (portal test)");
    assert_eq!(document["ip"], "127.0.0.1");
    let (_, body) = p.gql(Some(&staff.token), READINESS, vars.clone()).await;
    assert_eq!(body["data"]["consentReadiness"]["readyToBook"], true, "{body}");
    let list = "query($c: ID!) { consentDocuments(clientId: $c) { id typedName } }";
    let (_, body) = p.gql(Some(&admin.token), list, vars.clone()).await;
    assert_eq!(body["data"]["consentDocuments"].as_array().map(Vec::len), Some(2), "{body}");
    let (_, body) = p.gql(Some(&staff.token), list, vars.clone()).await;
    assert_eq!(codes(&body), ["FORBIDDEN"], "staff see readiness, never the documents: {body}");

    // A revised policy: what the client read before is no longer what is current.
    let revise = "mutation($k: ID!) { reviseConsentTemplate(key: $k, input: {kind: OTHER, title: \"Intake policy\", body: \"# Intake\\nWe see you fortnightly.\"}) { version } }";
    let (_, body) = p.gql(Some(&admin.token), revise, json!({ "k": policy })).await;
    assert_eq!(body["data"]["reviseConsentTemplate"]["version"], 2, "{body}");
    assert_eq!(codes(&sign(&p, &client, &policy_v1).await), ["CONFLICT"]);
}

#[tokio::test]
async fn withdrawing_the_recording_consent_ends_it_and_another_practice_sees_nothing() {
    // Arrange: the client consented to session recording.
    let p = spawn().await;
    let tenant = p.tenant().await;
    let (clinician, client) = (p.person(tenant, &["clinician"]).await, p.person(tenant, &["client"]).await);
    let recording = read(&p, &client, "recording").await;
    let signed = sign(&p, &client, &recording).await;
    let document =
        signed["data"]["signConsentDocument"]["id"].as_str().unwrap_or_else(|| panic!("{signed}")).to_owned();
    let vars = json!({ "c": client.user.to_string() });
    let (_, body) = p.gql(Some(&clinician.token), READINESS, vars.clone()).await;
    assert_eq!(body["data"]["consentReadiness"]["recordingConsented"], true, "{body}");

    // Act
    let withdraw =
        "mutation($c: ID!, $d: ID!) { withdrawConsentDocument(clientId: $c, documentId: $d) { withdrawnAt text } }";
    let (_, body) = p.gql(Some(&client.token), withdraw, json!({ "c": client.user.to_string(), "d": document })).await;

    // Assert: the signed text is unchanged, the consent ends, and a second withdrawal is a conflict.
    assert!(body["data"]["withdrawConsentDocument"]["withdrawnAt"].is_string(), "{body}");
    assert_eq!(body["data"]["withdrawConsentDocument"]["text"], recording["body"]);
    let (_, body) = p.gql(Some(&clinician.token), READINESS, vars.clone()).await;
    assert_eq!(body["data"]["consentReadiness"]["recordingConsented"], false, "{body}");
    let (_, body) = p.gql(Some(&client.token), withdraw, json!({ "c": client.user.to_string(), "d": document })).await;
    assert_eq!(codes(&body), ["CONFLICT"], "{body}");

    // Another practice's admin, with this client's ids, reads nothing.
    let other = p.tenant().await;
    let other_admin = p.person(other, &["practice_admin"]).await;
    let list = "query($c: ID!) { consentDocuments(clientId: $c) { id typedName } }";
    let (_, body) = p.gql(Some(&other_admin.token), list, vars).await;
    assert!(!body.to_string().contains("Robin Client"), "{body}");
    assert!(!body.to_string().contains(&document), "{body}");
}
