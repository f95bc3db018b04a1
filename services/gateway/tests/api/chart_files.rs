//! Documents and forms through the gateway: uploads and downloads over the file routes (the
//! same gate as `/graphql`: token, rate limit), the 20 MiB limit and type sniffing kept with
//! their statuses, `Client.documents`, PHQ-9 scores and their history, and another practice.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Person, Platform, codes, spawn, spawn_with};

const MAX: usize = 20 * 1024 * 1024;

async fn upload(p: &Platform, token: Option<&str>, client: &Person, content: Vec<u8>) -> (StatusCode, Value) {
    let url = format!("{}/files/clients/{}/documents", p.gateway().address, client.user);
    let mut request = p.http.post(url).header("x-document-title", "Referral%20letter").body(content);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn pdf(len: usize) -> Vec<u8> {
    let mut content = b"%PDF-1.4\n".to_vec();
    content.resize(len, b'%');
    content
}

#[tokio::test]
async fn documents_go_up_and_down_the_file_routes_and_are_listed_on_the_client() {
    let p = spawn().await;
    let tenant = p.tenant().await;
    let clinician = p.person(tenant, &["clinician"]).await;
    let client = p.person(tenant, &["client"]).await;
    p.assign(tenant, clinician.user, client.user).await;

    let (status, doc) = upload(&p, Some(&clinician.token), &client, pdf(1000)).await;
    assert_eq!(status, StatusCode::CREATED, "{doc}");
    assert_eq!((doc["title"].as_str(), doc["mediaType"].as_str()), (Some("Referral letter"), Some("application/pdf")));

    let query = "query($id: ID!) { client(id: $id) { documents { id title sizeBytes downloadUrl } } }";
    let (_, body) = p.gql(Some(&client.token), query, json!({ "id": client.user.to_string() })).await;
    assert!(body["errors"].is_null(), "{body}");
    let listed = &body["data"]["client"]["documents"][0];
    assert_eq!((listed["title"].as_str(), listed["sizeBytes"].as_u64()), (Some("Referral letter"), Some(1000)));

    let url = format!("{}{}", p.gateway().address, listed["downloadUrl"].as_str().unwrap());
    let response = p.http.get(&url).bearer_auth(&client.token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert!(response.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    assert_eq!(response.bytes().await.unwrap().to_vec(), pdf(1000));

    // No token: refused at the gate, for both routes.
    assert_eq!(upload(&p, None, &client, pdf(10)).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(p.http.get(&url).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    // Another practice: nothing, either way.
    let stranger = p.person(p.tenant().await, &["clinician"]).await;
    let (status, body) = upload(&p, Some(&stranger.token), &client, pdf(10)).await;
    assert!(status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND, "{status} {body}");
    let response = p.http.get(&url).bearer_auth(&stranger.token).send().await.unwrap();
    assert!(matches!(response.status(), StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{}", response.status());
    assert!(!response.text().await.unwrap().contains("%PDF"));
}

#[tokio::test]
async fn the_gateway_keeps_the_size_limit_and_the_sniffed_type_refusals() {
    let p = spawn().await;
    let tenant = p.tenant().await;
    let clinician = p.person(tenant, &["clinician"]).await;
    let client = p.person(tenant, &["client"]).await;
    p.assign(tenant, clinician.user, client.user).await;

    let (status, body) = upload(&p, Some(&clinician.token), &client, pdf(MAX)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = upload(&p, Some(&clinician.token), &client, pdf(MAX + 1)).await;
    assert_eq!((status, codes(&body)), (StatusCode::PAYLOAD_TOO_LARGE, vec!["BAD_USER_INPUT".to_owned()]), "{body}");
    let (status, body) = upload(&p, Some(&clinician.token), &client, b"\x7fELF\x02\x01\x01\x00".to_vec()).await;
    assert_eq!(
        (status, codes(&body)),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, vec!["BAD_USER_INPUT".to_owned()]),
        "{body}"
    );
    // The client reads documents but does not upload them.
    let (status, _) = upload(&p, Some(&client.token), &client, pdf(10)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_phq9_is_scored_by_the_server_and_shows_in_the_history_of_the_care_team_only() {
    let p = spawn().await;
    let tenant = p.tenant().await;
    let clinician = p.person(tenant, &["clinician"]).await;
    let outsider = p.person(tenant, &["clinician"]).await;
    let client = p.person(tenant, &["client"]).await;
    p.assign(tenant, clinician.user, client.user).await;
    let id = json!({ "id": client.user.to_string() });

    let submit = "mutation($id: ID!) { submitFormResponse(clientId: $id, input: {instrument: PHQ9, \
                  answers: [3, 3, 3, 2, 2, 2, 1, 1, 1]}) { score { total severity selfHarmFlagged } } }";
    let (_, body) = p.gql(Some(&client.token), submit, id.clone()).await;
    assert_eq!(
        body["data"]["submitFormResponse"]["score"],
        json!({ "total": 18, "severity": "MODERATELY_SEVERE", "selfHarmFlagged": true }),
        "{body}"
    );
    let history = "query($id: ID!) { client(id: $id) { assessmentHistory(instrument: PHQ9) { score { total } } \
                   formResponses { instrument answers } } }";
    let (_, body) = p.gql(Some(&clinician.token), history, id.clone()).await;
    assert_eq!(body["data"]["client"]["assessmentHistory"], json!([{ "score": { "total": 18 } }]), "{body}");
    assert_eq!(body["data"]["client"]["formResponses"][0]["answers"], json!([3, 3, 3, 2, 2, 2, 1, 1, 1]));
    let (_, body) = p.gql(Some(&outsider.token), history, id.clone()).await;
    assert!(codes(&body).iter().all(|c| c == "FORBIDDEN") && !codes(&body).is_empty(), "{body}");
    assert!(!body.to_string().contains("total"), "{body}");

    let bad = "mutation($id: ID!) { submitFormResponse(clientId: $id, input: {instrument: GAD7, answers: [\"Secret-Tapir\"]}) { id } }";
    let (_, body) = p.gql(Some(&client.token), bad, id).await;
    assert_eq!(codes(&body), ["BAD_USER_INPUT"], "{body}");
    assert!(!body.to_string().contains("Secret-Tapir"), "{body}");
}

#[tokio::test]
async fn the_file_routes_are_rate_limited_and_refuse_a_revoked_session_like_graphql() {
    let p = spawn_with(|f| f.merge(("gateway.rate_limit.per_principal_per_minute", 3))).await;
    let tenant = p.tenant().await;
    let clinician = p.person(tenant, &["clinician"]).await;
    let client = p.person(tenant, &["client"]).await;
    p.assign(tenant, clinician.user, client.user).await;
    // All four requests in one one-minute window.
    let second = tp_testkit::tokens::unix_now().rem_euclid(60);
    if second >= 50 {
        tokio::time::sleep(std::time::Duration::from_secs((60 - second).unsigned_abs() + 1)).await;
    }
    let (status, doc) = upload(&p, Some(&client.token), &client, pdf(10)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{doc}");
    let (status, doc) = upload(&p, Some(&clinician.token), &client, pdf(10)).await;
    assert_eq!(status, StatusCode::CREATED, "{doc}");
    let url = format!("{}{}", p.gateway().address, doc["downloadUrl"].as_str().unwrap());
    for _ in 0..2 {
        assert_eq!(p.http.get(&url).bearer_auth(&clinician.token).send().await.unwrap().status(), StatusCode::OK);
    }

    // The clinician's fourth request in the minute.
    let response = p.http.get(&url).bearer_auth(&clinician.token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key("retry-after"));
    assert_eq!(codes(&response.json().await.unwrap()), ["RATE_LIMITED"]);

    // The client's session ended: its token no longer opens the file routes.
    let end = "mutation($id: ID!) { endSession(id: $id) { id } }";
    let (_, body) = p.gql(Some(&client.token), end, json!({ "id": client.session.to_string() })).await;
    assert!(body["errors"].is_null(), "{body}");
    let response = p.http.get(&url).bearer_auth(&client.token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}
