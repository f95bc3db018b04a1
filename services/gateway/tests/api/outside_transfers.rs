//! Records transfers to a provider outside the platform, end to end: the front desk records
//! the provider's call through GraphQL, the client approves in the portal (records packages,
//! consent has identity email the link), the front desk reads the one-time code, and the
//! provider opens the emailed link on the gateway's public page and downloads the bundle
//! with the code, once; wrong codes are counted on the page too. The page holds no PHI, runs
//! no script and is never cached.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use serde_json::{Value, json};

use crate::disclosure::signed;
use crate::harness::{Person, Platform, SHARED_RECORDS_URL, spawn};
use crate::transfers::{attachments, chart};

const PROVIDER: &str = "provider@clinic.example";

async fn gql(p: &Platform, who: &Person, query: &str, vars: Value) -> Value {
    let (_, body) = p.gql(Some(&who.token), query, vars).await;
    body
}

const RECORD: &str = r#"mutation($c: ID!) { recordOutsideRecordsRequest(clientId: $c, input: {
    provider: {name: "Dr Ada Lovelace", organisation: "Clinic", email: "provider@clinic.example"},
    purpose: "Continuity of care", categories: [DIAGNOSES, PROGRESS_NOTES]})
    { id status recipient { kind email } code } }"#;

const RECORDED: &str = "{ outsideRecordsRequests { id clientId status code locked packaged } }";

/// The emailed link, on this platform's gateway instead of the configured public base.
async fn link_for(p: &Platform, request: &str) -> String {
    p.smtp.wait_for_message(PROVIDER, Duration::from_secs(10)).await;
    let links: Vec<String> =
        p.smtp.messages_to(PROVIDER).iter().filter_map(|m| m.first_link(SHARED_RECORDS_URL)).collect();
    let link = links.iter().find(|l| l.contains(request)).unwrap_or_else(|| panic!("no link: {links:?}"));
    link.replacen(SHARED_RECORDS_URL, &p.gateway().address, 1)
}

/// Posts the page's form (the token from the link, and `code`).
async fn post_code(p: &Platform, link: &str, code: &str) -> reqwest::Response {
    let (page, query) = link.split_once('?').unwrap();
    let token = query.strip_prefix("token=").unwrap();
    p.http.post(page).form(&[("token", token), ("code", code)]).send().await.unwrap()
}

#[tokio::test]
async fn the_front_desk_records_the_client_approves_and_the_provider_downloads_on_the_page_with_the_phoned_code() {
    // Arrange: practice A with a charted client who signed a release, and its front desk.
    let p = spawn().await;
    let (a, b) = (p.tenant().await, p.tenant().await);
    let (clinician, client) = (p.person(a, &["clinician"]).await, p.person(a, &["client"]).await);
    let (staff, staff_b) = (p.person(a, &["staff"]).await, p.person(b, &["staff"]).await);
    p.assign(a, clinician.user, client.user).await;
    chart(&p, &clinician, &client).await;
    signed(&p, &client, "release-of-information").await;

    // Act 1: the front desk records the provider's call.
    let recorded = gql(&p, &staff, RECORD, json!({ "c": client.user.to_string() })).await;
    let request = &recorded["data"]["recordOutsideRecordsRequest"];
    assert_eq!(request["recipient"], json!({ "kind": "OUTSIDE", "email": PROVIDER }), "{recorded}");
    let request_id = request["id"].as_str().unwrap().to_owned();

    // Act 2: the client sees who will receive it and who recorded it, and approves diagnoses.
    let mine =
        "query($c: ID!) { recordsRequests(clientId: $c) { id recipient { kind name email } requester { userId } } }";
    let seen = gql(&p, &client, mine, json!({ "c": client.user.to_string() })).await;
    let seen = &seen["data"]["recordsRequests"][0];
    assert_eq!(seen["recipient"]["kind"], "OUTSIDE", "{seen}");
    assert_eq!(seen["requester"]["userId"], staff.user.to_string());
    let answer = "mutation($c: ID!, $r: ID!) { answerRecordsRequest(clientId: $c, requestId: $r,
        input: {approve: true, categories: [DIAGNOSES]}) { status packaged } }";
    let answered = gql(&p, &client, answer, json!({ "c": client.user.to_string(), "r": request_id })).await;
    assert_eq!(answered["data"]["answerRecordsRequest"]["packaged"], true, "{answered}");

    // Act 3: the front desk reads the code to phone; the provider opens the emailed link.
    let list = gql(&p, &staff, RECORDED, json!({})).await;
    let code =
        list["data"]["outsideRecordsRequests"][0]["code"].as_str().unwrap_or_else(|| panic!("{list}")).to_owned();
    let link = link_for(&p, &request_id).await;
    let form = p.http.get(&link).send().await.unwrap();
    assert_eq!(form.status(), StatusCode::OK);
    assert_eq!(form.headers()[CACHE_CONTROL], "no-store");
    let csp = form.headers()[CONTENT_SECURITY_POLICY].to_str().unwrap().to_owned();
    assert!(csp.contains("default-src 'none'") && !csp.contains("script"), "{csp}");
    let page = form.text().await.unwrap();
    assert!(page.contains("name=\"code\"") && !page.contains("<script"), "{page}");
    for phi in ["Practice", "Ada", "Continuity", "iagnos", &client.user.to_string()] {
        assert!(!page.contains(phi), "the page says {phi}");
    }

    // Assert: a wrong code is counted, the right one downloads exactly what was approved, once.
    let wrong = format!("{}{}", &code[..7], (code.as_bytes()[7] - b'0' + 1) % 10);
    let refused = post_code(&p, &link, &wrong).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(refused.text().await.unwrap().contains("wrong code: 4 attempts left"));
    let download = post_code(&p, &link, &code).await;
    assert_eq!(download.status(), StatusCode::OK);
    assert!(download.headers()[CONTENT_DISPOSITION].to_str().unwrap().starts_with("attachment"));
    assert_eq!(download.headers()[CONTENT_TYPE], "application/fhir+json");
    assert_eq!(download.headers()[CACHE_CONTROL], "no-store");
    let bundle: Value = download.json().await.unwrap();
    let resources: Vec<&Value> = bundle["entry"].as_array().unwrap().iter().map(|e| &e["resource"]).collect();
    let conditions: Vec<&&Value> = resources.iter().filter(|r| r["resourceType"] == "Condition").collect();
    assert_eq!(conditions.len(), 1, "F10.20 stays without a Part 2 consent: {bundle}");
    assert!(conditions[0].to_string().contains("F41.1"));
    assert!(!attachments(&bundle).contains("Sleep improving"), "progress notes were not approved");
    let again = post_code(&p, &link, &code).await;
    assert_eq!(again.status(), StatusCode::GONE);

    // The client reads the disclosure to the provider; practice B sees nothing of it.
    let accounting = "query($c: ID!) { accountingOfDisclosures(clientId: $c) { recipient { kind email } channel } }";
    let lines = gql(&p, &client, accounting, json!({ "c": client.user.to_string() })).await;
    let line = &lines["data"]["accountingOfDisclosures"][0];
    assert_eq!(line["recipient"], json!({ "kind": "OUTSIDE", "email": PROVIDER }), "{lines}");
    assert_eq!(line["channel"], "secure link");
    let theirs = gql(&p, &staff_b, RECORDED, json!({})).await;
    assert_eq!(theirs["data"]["outsideRecordsRequests"], json!([]), "{theirs}");
}

#[tokio::test]
async fn a_link_that_is_not_one_answers_a_plain_page_with_the_apis_words() {
    let p = spawn().await;
    let tenant = p.tenant().await;
    let request = uuid::Uuid::now_v7();
    let base = format!("{}/shared-records/{tenant}/{request}", p.gateway().address);

    for url in [base.clone(), format!("{base}?token="), format!("{}/shared-records/x/y?token=abc", p.gateway().address)]
    {
        let page = p.http.get(&url).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::NOT_FOUND, "{url}");
        assert!(page.headers()[CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    }
    let unknown = p.http.post(&base).form(&[("token", "a".repeat(43)), ("code", "12345678".to_owned())]).send().await;
    let unknown = unknown.unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert_eq!(unknown.headers()[CACHE_CONTROL], "no-store");
    assert!(unknown.text().await.unwrap().contains("not found"), "consent's own words");
    let empty = p.http.post(&base).form(&[("token", "")]).send().await.unwrap();
    assert_eq!(empty.status(), StatusCode::BAD_REQUEST);
}

/// A package as records makes one, handed over to consent by the client directly (the
/// gateway's approval asks records for it; this test does not need records' packaging).
async fn hand_over_directly(p: &Platform, client: &Person, request: uuid::Uuid) {
    use base64::Engine as _;
    use tp_consent_api::paths;
    use tp_records_api::disclosure::{PACKAGE_COLUMN, PACKAGE_TABLE, PackageContents};
    let consent = |path: String| format!("{}{path}", p.consent.address);
    let answer = json!({ "approve": true, "categories": ["diagnoses"] });
    let url = consent(paths::records_request_response(client.tenant, client.user, request));
    let answered = p.http.post(url).bearer_auth(&client.token).json(&answer).send().await.unwrap();
    assert_eq!(answered.status(), StatusCode::OK, "{}", answered.text().await.unwrap());
    let vault = tp_testkit::vault::service_vault(tp_ids::Service::Records).await;
    let keyring = tp_crypto::Keyring::new(vault, &tp_config::CryptoSettings::default()).unwrap();
    let bundle = json!({ "resourceType": "Bundle", "type": "collection", "entry": [] });
    let contents = PackageContents {
        package_id: request,
        categories: vec![tp_consent_api::disclosure::Category::Diagnoses],
        grants: Vec::new(),
        bundle,
    };
    let field = tp_crypto::FieldContext::new(PACKAGE_TABLE, PACKAGE_COLUMN, request);
    let sealed = keyring.encrypt(&client.tenant, &field, &serde_json::to_vec(&contents).unwrap()).await.unwrap();
    let package = json!({ "package_id": request, "categories": [], "grants": [],
        "sealed": base64::engine::general_purpose::STANDARD.encode(sealed) });
    let url = consent(paths::records_request_package(client.tenant, client.user, request));
    let handed = p.http.put(url).bearer_auth(&client.token).json(&package).send().await.unwrap();
    assert_eq!(handed.status(), StatusCode::OK, "{}", handed.text().await.unwrap());
}

#[tokio::test]
async fn the_page_downloads_once_with_the_right_code_and_five_wrong_codes_lock_it() {
    // Arrange: A's front desk recorded a request, the client approved and handed it over.
    let p = spawn().await;
    let a = p.tenant().await;
    let (client, staff) = (p.person(a, &["client"]).await, p.person(a, &["staff"]).await);
    signed(&p, &client, "release-of-information").await;
    let recorded = gql(&p, &staff, RECORD, json!({ "c": client.user.to_string() })).await;
    let request = recorded["data"]["recordOutsideRecordsRequest"]["id"].as_str().unwrap().to_owned();
    hand_over_directly(&p, &client, request.parse().unwrap()).await;
    let list = gql(&p, &staff, RECORDED, json!({})).await;
    let code =
        list["data"]["outsideRecordsRequests"][0]["code"].as_str().unwrap_or_else(|| panic!("{list}")).to_owned();
    let link = link_for(&p, &request).await;

    // Act and assert: the right code downloads the bundle as a file, once.
    let download = post_code(&p, &link, &code).await;
    assert_eq!(download.status(), StatusCode::OK);
    assert_eq!(
        download.headers()[CONTENT_DISPOSITION].to_str().unwrap(),
        format!("attachment; filename=\"records-{request}.json\"")
    );
    assert_eq!(download.json::<Value>().await.unwrap()["resourceType"], "Bundle");
    let gone = post_code(&p, &link, &code).await;
    assert_eq!(gone.status(), StatusCode::GONE);
    assert!(gone.text().await.unwrap().contains("expired or was used already"));

    // A second request: four wrong codes, then the fifth locks it, and the right one too.
    let recorded = gql(&p, &staff, RECORD, json!({ "c": client.user.to_string() })).await;
    let second = recorded["data"]["recordOutsideRecordsRequest"]["id"].as_str().unwrap().to_owned();
    hand_over_directly(&p, &client, second.parse().unwrap()).await;
    let link = link_for(&p, &second).await;
    let list = gql(&p, &staff, RECORDED, json!({})).await;
    let code =
        list["data"]["outsideRecordsRequests"][0]["code"].as_str().unwrap_or_else(|| panic!("{list}")).to_owned();
    let wrong = format!("{}{}", &code[..7], (code.as_bytes()[7] - b'0' + 1) % 10);
    for left in (1..=4).rev() {
        let refused = post_code(&p, &link, &wrong).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        assert!(refused.text().await.unwrap().contains(&format!("wrong code: {left} attempts left")));
    }
    assert_eq!(post_code(&p, &link, &wrong).await.status(), StatusCode::LOCKED);
    let locked = post_code(&p, &link, &code).await;
    assert_eq!(locked.status(), StatusCode::LOCKED);
    assert!(locked.text().await.unwrap().contains("locked"));
    let list = gql(&p, &staff, RECORDED, json!({})).await;
    assert_eq!(list["data"]["outsideRecordsRequests"][0]["locked"], true, "{list}");
}
