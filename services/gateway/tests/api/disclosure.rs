//! Disclosure through GraphQL, the central scenario: a new therapist outside the platform
//! asks for a client's history. The client authorizes exactly some categories to them; the
//! practice asks for a decision, records what it sent, and the client reads the accounting.
//! A restriction the practice accepted, a revocation and the specific authorizations for
//! psychotherapy notes are enforced on every decision.

use serde_json::{Value, json};

use crate::harness::{Person, Platform, codes, spawn};

const RECIPIENT: &str =
    r#"{kind: OUTSIDE, name: "Dr New", organisation: "Elm Clinic", email: "New.Therapist@Example.test"}"#;

/// The client signs the built-in `template` as read; the signed document's id.
pub async fn signed(p: &Platform, client: &Person, template: &str) -> String {
    let read = "query($k: String!) { consentTemplate(key: $k) { version bodySha256 } }";
    let (_, body) = p.gql(Some(&client.token), read, json!({ "k": template })).await;
    let t = &body["data"]["consentTemplate"];
    let sign = "mutation($c: ID!, $k: String!, $v: Int!, $h: String!) { signConsentDocument(clientId: $c, \
                input: {template: $k, version: $v, textSha256: $h, typedName: \"Robin Client\"}) { id } }";
    let vars = json!({ "c": client.user.to_string(), "k": template, "v": t["version"], "h": t["bodySha256"] });
    let (_, body) = p.gql(Some(&client.token), sign, vars).await;
    body["data"]["signConsentDocument"]["id"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned()
}

/// The decision for the new therapist (their email in another case) on `categories`.
async fn decide(p: &Platform, admin: &Person, client: &Person, categories: &str) -> Value {
    let query = format!(
        "query($c: ID!) {{ disclosureDecision(clientId: $c, input: {{recipient: {{kind: OUTSIDE, name: \"Dr New\", \
         email: \"new.therapist@example.test\"}}, categories: {categories}}}) {{ permit categories denied grants {{ authorizationId }} }} }}"
    );
    let (_, body) = p.gql(Some(&admin.token), &query, json!({ "c": client.user.to_string() })).await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["disclosureDecision"].clone()
}

async fn record(p: &Platform, admin: &Person, client: &Person, categories: &str) -> Value {
    let query = format!(
        "mutation($c: ID!) {{ recordDisclosure(clientId: $c, input: {{recipient: {RECIPIENT}, categories: {categories}, \
         channel: \"by post\"}}) {{ id categories purpose channel }} }}"
    );
    p.gql(Some(&admin.token), &query, json!({ "c": client.user.to_string() })).await.1
}

#[tokio::test]
async fn only_what_the_client_authorized_leaves_and_every_disclosure_is_accounted() {
    // Arrange: the client authorizes diagnoses and progress notes to the new therapist.
    let p = spawn().await;
    let tenant = p.tenant().await;
    let (admin, client) = (p.person(tenant, &["practice_admin"]).await, p.person(tenant, &["client"]).await);
    let release = signed(&p, &client, "release-of-information").await;
    let authorize = format!(
        "mutation($c: ID!, $s: ID!, $until: DateTime!) {{ authorizeDisclosure(clientId: $c, input: {{signatureId: $s, \
         recipient: {RECIPIENT}, categories: [DIAGNOSES, PROGRESS_NOTES], purpose: \"continuity of care\", \
         expiresAt: $until}}) {{ id status }} }}"
    );
    let until = (chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339();
    let vars = json!({ "c": client.user.to_string(), "s": release, "until": until });
    let (_, body) = p.gql(Some(&client.token), &authorize, vars).await;
    assert_eq!(body["data"]["authorizeDisclosure"]["status"], "ACTIVE", "{body}");
    let authorization = body["data"]["authorizeDisclosure"]["id"].as_str().unwrap().to_owned();

    // Act / Assert: exactly those categories, never psychotherapy notes.
    let decision = decide(&p, &admin, &client, "[DIAGNOSES, PROGRESS_NOTES, PSYCHOTHERAPY_NOTES]").await;
    assert_eq!(decision["permit"], true, "{decision}");
    assert_eq!(decision["categories"], json!(["DIAGNOSES", "PROGRESS_NOTES"]));
    assert_eq!(decision["denied"], json!(["PSYCHOTHERAPY_NOTES"]));
    assert_eq!(decision["grants"][0]["authorizationId"], authorization);
    let psychotherapy = authorize.replace("[DIAGNOSES, PROGRESS_NOTES]", "[PSYCHOTHERAPY_NOTES]");
    let vars = json!({ "c": client.user.to_string(), "s": release, "until": until });
    let (_, body) = p.gql(Some(&client.token), &psychotherapy, vars).await;
    assert_eq!(codes(&body), ["BAD_USER_INPUT"], "a release never authorizes psychotherapy notes: {body}");

    // A restriction the practice accepts takes progress notes out of every decision.
    let restrict = "mutation($c: ID!) { requestRestriction(clientId: $c, input: {categories: [PROGRESS_NOTES], \
                    description: \"Not my session notes, please\"}) { id status } }";
    let (_, body) = p.gql(Some(&client.token), restrict, json!({ "c": client.user.to_string() })).await;
    let restriction = body["data"]["requestRestriction"]["id"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();
    let review = "mutation($c: ID!, $r: ID!) { reviewRestriction(clientId: $c, restrictionId: $r, \
                  input: {accept: true, reason: \"Agreed\"}) { status } }";
    let (_, body) = p.gql(Some(&admin.token), review, json!({ "c": client.user.to_string(), "r": restriction })).await;
    assert_eq!(body["data"]["reviewRestriction"]["status"], "ACCEPTED", "{body}");
    let decision = decide(&p, &admin, &client, "[DIAGNOSES, PROGRESS_NOTES]").await;
    assert_eq!(decision["categories"], json!(["DIAGNOSES"]), "{decision}");

    // What the practice sends is recorded, and only what is permitted now.
    let sent = record(&p, &admin, &client, "[DIAGNOSES]").await;
    assert_eq!(sent["data"]["recordDisclosure"]["purpose"], "continuity of care", "{sent}");
    assert_eq!(codes(&record(&p, &admin, &client, "[PROGRESS_NOTES]").await), ["FORBIDDEN"]);
    let accounting =
        "query($c: ID!) { accountingOfDisclosures(clientId: $c) { categories channel recipient { email } } }";
    let (_, body) = p.gql(Some(&client.token), accounting, json!({ "c": client.user.to_string() })).await;
    assert_eq!(body["data"]["accountingOfDisclosures"].as_array().map(Vec::len), Some(1), "{body}");
    assert_eq!(body["data"]["accountingOfDisclosures"][0]["categories"], json!(["DIAGNOSES"]));

    // Revoked: the very next decision denies, and nothing more can be recorded.
    let revoke = "mutation($c: ID!, $a: ID!) { revokeAuthorization(clientId: $c, authorizationId: $a) { status } }";
    let (_, body) =
        p.gql(Some(&client.token), revoke, json!({ "c": client.user.to_string(), "a": authorization })).await;
    assert_eq!(body["data"]["revokeAuthorization"]["status"], "REVOKED", "{body}");
    let decision = decide(&p, &admin, &client, "[DIAGNOSES]").await;
    assert_eq!(decision["permit"], false, "{decision}");
    assert_eq!(codes(&record(&p, &admin, &client, "[DIAGNOSES]").await), ["FORBIDDEN"]);

    // Another practice's admin learns nothing of this client's authorizations.
    let other = p.tenant().await;
    let other_admin = p.person(other, &["practice_admin"]).await;
    let list = "query($c: ID!) { disclosureAuthorizations(clientId: $c) { id purpose } }";
    let (_, body) = p.gql(Some(&other_admin.token), list, json!({ "c": client.user.to_string() })).await;
    assert!(!body.to_string().contains("continuity of care"), "{body}");
    assert!(!body.to_string().contains(&authorization), "{body}");
}
