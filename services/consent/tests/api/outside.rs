//! Records transfers to providers outside the platform: the front desk records the request
//! for a client, the client answers it like any request, handing the package over makes a
//! link (emailed through identity to the SMTP sink) and a one-time code (shown to the
//! practice), and the provider downloads once with both: wrong tokens, lapsed links, wrong
//! codes (five lock the link), revocations and a second download are refused.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use sea_orm::ConnectionTrait as _;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use tp_consent_api::paths;
use tp_ids::TenantId;
use uuid::Uuid;

use crate::harness::{Person, Platform, Practice, SHARED_RECORDS_URL, code, exec, outside, query, spawn};
use crate::transfers::{bundle, hand_over, id, requests_of, respond, sealed};

const PROVIDER: &str = "provider@clinic.example";

/// `who` records an outside provider's request for `client` of `tenant`.
async fn record(p: &Platform, who: &Person, (tenant, client): (TenantId, &Person), body: Value) -> (StatusCode, Value) {
    p.call(who, Method::POST, &paths::outside_records_requests_of(tenant, client.user), Some(body)).await
}

fn asked(categories: Value) -> Value {
    json!({ "recipient": outside(PROVIDER), "purpose": "Continuity of care", "categories": categories })
}

/// The front desk of `a` records a request for `a.client`, who approves `categories`; the
/// package is handed over. The request's id.
async fn approved_and_packaged(p: &Platform, a: &Practice, categories: Value) -> Uuid {
    p.signed(&a.client, a.tenant, "release-of-information").await;
    let (status, recorded) = record(p, &a.staff, (a.tenant, &a.client), asked(categories.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{recorded}");
    let request = id(&recorded);
    let (status, answered) = respond(p, a, request, json!({ "approve": true, "categories": categories })).await;
    assert_eq!(status, StatusCode::OK, "{answered}");
    let (status, packaged) = hand_over(p, a, request, sealed(a.tenant, request, categories, bundle()).await).await;
    assert_eq!(status, StatusCode::OK, "{packaged}");
    request
}

/// The link's token, from the email the provider received for `request`.
async fn token_from_email(p: &Platform, request: Uuid) -> String {
    let smtp = p.smtp.as_ref().unwrap();
    smtp.wait_for_message(PROVIDER, Duration::from_secs(10)).await;
    let links: Vec<String> =
        smtp.messages_to(PROVIDER).iter().filter_map(|m| m.first_link(SHARED_RECORDS_URL)).collect();
    let link = links.iter().find(|l| l.contains(&request.to_string())).unwrap();
    link.split_once("?token=").unwrap().1.to_owned()
}

/// The practice's list of recorded requests, as `who` reads it.
async fn recorded(p: &Platform, who: &Person, tenant: TenantId) -> (StatusCode, Value) {
    p.call(who, Method::GET, &paths::outside_records_requests(tenant), None).await
}

/// The one-time code the list shows for `request` (none: null).
async fn code_of(p: &Platform, a: &Practice, request: Uuid) -> Value {
    let (status, list) = recorded(p, &a.staff, a.tenant).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let requests = list["requests"].as_array().unwrap();
    requests.iter().find(|r| r["id"] == json!(request)).unwrap()["code"].clone()
}

/// The provider's download: no bearer token, the token and the code.
async fn unlock(p: &Platform, (tenant, request): (TenantId, Uuid), token: &str, code: &str) -> (StatusCode, Value) {
    let url = format!("{}{}", p.consent.address, paths::shared_records(tenant, request));
    let response = p.http.post(url).json(&json!({ "token": token, "code": code })).send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn wrong(code: &str) -> String {
    let last = code.chars().last().unwrap().to_digit(10).unwrap();
    format!("{}{}", &code[..7], (last + 1) % 10)
}

#[tokio::test]
async fn the_front_desk_records_a_request_the_client_approves_and_the_provider_downloads_once_with_link_and_code() {
    // Arrange: practices A and B; A's front desk records a provider's call for A's client.
    let p = spawn().await;
    let (a, b) = (p.practice().await, p.practice().await);
    p.signed(&a.client, a.tenant, "release-of-information").await;
    let (status, recorded_one) =
        record(&p, &a.staff, (a.tenant, &a.client), asked(json!(["diagnoses", "progress_notes"]))).await;
    assert_eq!(status, StatusCode::CREATED, "{recorded_one}");
    let request = id(&recorded_one);
    assert_eq!(recorded_one["status"], "requested");
    assert_eq!(recorded_one["code"], Value::Null);

    // The client named sees it like any request: the provider as recipient, who recorded it.
    let seen = requests_of(&p, &a, &a.client).await;
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0]["recipient"], outside(PROVIDER));
    assert_eq!(seen[0]["requester"]["user_id"], json!(a.staff.user));
    assert!(requests_of(&p, &a, &a.other_client).await.is_empty(), "another client sees nothing");

    // Act: the client approves diagnoses; the package is handed over.
    let (status, answered) = respond(&p, &a, request, json!({ "approve": true, "categories": ["diagnoses"] })).await;
    assert_eq!(status, StatusCode::OK, "{answered}");
    let (_, authorizations) =
        p.call(&a.client, Method::GET, &paths::authorizations(a.tenant, a.client.user), None).await;
    assert_eq!(authorizations["authorizations"][0]["recipient"], outside(PROVIDER), "for the provider");
    let package = sealed(a.tenant, request, json!(["diagnoses"]), bundle()).await;
    assert_eq!(hand_over(&p, &a, request, package).await.0, StatusCode::OK);

    // Assert: a link went to the provider, the practice reads the code, the database keeps
    // only the token's hash and the code sealed.
    let token = token_from_email(&p, request).await;
    let one_time = code_of(&p, &a, request).await.as_str().unwrap().to_owned();
    assert!(one_time.len() == 8 && one_time.bytes().all(|b| b.is_ascii_digit()), "{one_time}");
    let rows = query(&p.consent_admin, "select token_sha256, code from consent.transfer_links", vec![]).await;
    let stored: Vec<u8> = rows[0].try_get("", "token_sha256").unwrap();
    assert_eq!(stored, Sha256::digest(token.as_bytes()).to_vec(), "the token's hash, not the token");
    let sealed_code: Vec<u8> = rows[0].try_get("", "code").unwrap();
    assert!(!String::from_utf8_lossy(&sealed_code).contains(&one_time), "the code is sealed");

    let (status, got) = unlock(&p, (a.tenant, request), &token, &one_time).await;
    assert_eq!(status, StatusCode::OK, "{got}");
    assert_eq!(got, bundle());
    let (status, body) = unlock(&p, (a.tenant, request), &token, &one_time).await;
    assert_eq!((status, code(&body)), (StatusCode::GONE, "CONSENT_LINK_GONE"), "once only");

    // Accounted as disclosed by the member who recorded it, through a secure link; the
    // approval's authorization ended; the code is no longer shown.
    let (_, accounting) = p.call(&a.client, Method::GET, &paths::disclosures(a.tenant, a.client.user), None).await;
    let line = &accounting["disclosures"][0];
    assert_eq!(line["recipient"], outside(PROVIDER));
    assert_eq!(line["categories"], json!(["diagnoses"]));
    assert_eq!(line["disclosed_by"], json!(a.staff.user));
    assert_eq!(line["channel"], "secure link");
    let (_, authorizations) =
        p.call(&a.client, Method::GET, &paths::authorizations(a.tenant, a.client.user), None).await;
    assert_eq!(authorizations["authorizations"][0]["status"], "expired");
    assert_eq!(code_of(&p, &a, request).await, Value::Null);
    let downloads = "select actor_kind, actor_id, subject_id from audit.events \
                     where tenant_id = $1 and action = 'consent.transfer.downloaded' and outcome = 'success'";
    let events = query(&p.consent_admin, downloads, vec![Uuid::from(a.tenant).into()]).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].try_get::<String>("", "actor_kind").unwrap(), "anonymous");
    assert_eq!(events[0].try_get::<Option<String>>("", "actor_id").unwrap(), None);
    assert_eq!(events[0].try_get::<String>("", "subject_id").unwrap(), a.client.user.to_string());

    // Practice B sees none of it, and reaches nothing of A's through its own path.
    let (_, list) = recorded(&p, &b.staff, b.tenant).await;
    assert_eq!(list["requests"], json!([]));
    assert_eq!(unlock(&p, (b.tenant, request), &token, &one_time).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_wrong_token_is_not_found_like_an_unknown_request_and_a_lapsed_link_is_gone() {
    let p = spawn().await;
    let a = p.practice().await;
    let request = approved_and_packaged(&p, &a, json!(["diagnoses"])).await;
    let (token, one_time) = (token_from_email(&p, request).await, code_of(&p, &a, request).await);
    let one_time = one_time.as_str().unwrap();

    let unknown = unlock(&p, (a.tenant, Uuid::now_v7()), &token, one_time).await;
    let wrong_token = unlock(&p, (a.tenant, request), &format!("{}A", &token[..42]), one_time).await;
    assert_eq!(unknown.0, StatusCode::NOT_FOUND);
    assert_eq!(wrong_token, unknown, "the same answer for both");
    let attempts = query(&p.consent_admin, "select failed_attempts from consent.transfer_links", vec![]).await;
    assert_eq!(attempts[0].try_get::<i32>("", "failed_attempts").unwrap(), 0, "a wrong token is no guess");

    // The download's lifetime moved into the past (as superuser, triggers aside).
    let sql = "set session_replication_role = replica; \
               update consent.transfers set download_expires_at = now() - interval '1 minute'; \
               set session_replication_role = origin;";
    p.consent_admin.execute_unprepared(sql).await.unwrap();
    let (status, body) = unlock(&p, (a.tenant, request), &token, one_time).await;
    assert_eq!((status, code(&body)), (StatusCode::GONE, "CONSENT_LINK_GONE"), "{body}");
    assert_eq!(code_of(&p, &a, request).await, Value::Null, "no code for a lapsed link");
}

#[tokio::test]
async fn five_wrong_codes_lock_the_link_even_for_the_right_code_and_concurrent_guesses_get_no_more() {
    let p = spawn().await;
    let a = p.practice().await;
    let request = approved_and_packaged(&p, &a, json!(["diagnoses"])).await;
    let token = token_from_email(&p, request).await;
    let one_time = code_of(&p, &a, request).await.as_str().unwrap().to_owned();
    let guess = wrong(&one_time);

    // One wrong code: 403 with what is left.
    let (status, body) = unlock(&p, (a.tenant, request), &token, &guess).await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "CONSENT_WRONG_CODE"));
    assert_eq!(body["error"]["message"], "wrong code: 4 attempts left");

    // Eight more at once: the row lock lets exactly four more count, the fifth locks.
    let url = format!("{}{}", p.consent.address, paths::shared_records(a.tenant, request));
    let body = json!({ "token": token, "code": guess });
    let guesses: Vec<_> = (0..8)
        .map(|_| {
            let (http, url, body) = (p.http.clone(), url.clone(), body.clone());
            tokio::spawn(async move { http.post(url).json(&body).send().await.unwrap().status() })
        })
        .collect();
    let mut answers = Vec::new();
    for guess in guesses {
        answers.push(guess.await.unwrap());
    }
    assert_eq!(answers.iter().filter(|s| **s == StatusCode::FORBIDDEN).count(), 3, "{answers:?}");
    assert_eq!(answers.iter().filter(|s| **s == StatusCode::LOCKED).count(), 5, "{answers:?}");
    let rows = query(&p.consent_admin, "select failed_attempts, locked_at from consent.transfer_links", vec![]).await;
    assert_eq!(rows[0].try_get::<i32>("", "failed_attempts").unwrap(), 5);

    // Locked: the right code is refused too, nothing leaves, and the code is no longer shown.
    let (status, body) = unlock(&p, (a.tenant, request), &token, &one_time).await;
    assert_eq!((status, code(&body)), (StatusCode::LOCKED, "CONSENT_LINK_LOCKED"), "{body}");
    let (_, accounting) = p.call(&a.client, Method::GET, &paths::disclosures(a.tenant, a.client.user), None).await;
    assert_eq!(accounting["disclosures"], json!([]));
    let (_, list) = recorded(&p, &a.admin, a.tenant).await;
    assert_eq!(
        (list["requests"][0]["locked"].clone(), list["requests"][0]["code"].clone()),
        (json!(true), Value::Null)
    );
    let refused = p.details(a.tenant, "consent.transfer.code_refused").await;
    assert!(refused.is_empty(), "wrong codes are failures, not successes");
    let sql = "select count(*) as n from audit.events where tenant_id = $1 and action = 'consent.transfer.code_refused' \
               and outcome = 'failure' and actor_kind = 'anonymous' and subject_id = $2";
    let values = vec![Uuid::from(a.tenant).into(), a.client.user.to_string().into()];
    assert_eq!(query(&p.consent_admin, sql, values).await[0].try_get::<i64>("", "n").unwrap(), 5);

    // The count only goes up by one, for the superuser too.
    let err = exec(&p.consent_admin, "update consent.transfer_links set failed_attempts = 0", vec![]).await;
    assert!(err.unwrap_err().to_string().contains("one more wrong code"));
}

#[tokio::test]
async fn a_revocation_before_the_download_denies_it_and_nothing_is_accounted() {
    let p = spawn().await;
    let a = p.practice().await;
    let request = approved_and_packaged(&p, &a, json!(["diagnoses"])).await;
    let token = token_from_email(&p, request).await;
    let one_time = code_of(&p, &a, request).await.as_str().unwrap().to_owned();
    let (_, list) = p.call(&a.client, Method::GET, &paths::authorizations(a.tenant, a.client.user), None).await;
    let authorization: Uuid = list["authorizations"][0]["id"].as_str().unwrap().parse().unwrap();
    let revocation = paths::authorization_revocation(a.tenant, a.client.user, authorization);
    assert_eq!(p.call(&a.client, Method::POST, &revocation, None).await.0, StatusCode::OK);

    let (status, body) = unlock(&p, (a.tenant, request), &token, &one_time).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body.get("resourceType").is_none());
    let (_, accounting) = p.call(&a.client, Method::GET, &paths::disclosures(a.tenant, a.client.user), None).await;
    assert_eq!(accounting["disclosures"], json!([]));
    let sql = "select count(*) as n from audit.events where tenant_id = $1 and action = 'consent.transfer.downloaded' \
               and outcome = 'denied' and actor_kind = 'anonymous'";
    assert_eq!(
        query(&p.consent_admin, sql, vec![Uuid::from(a.tenant).into()]).await[0].try_get::<i64>("", "n").unwrap(),
        1
    );
}

#[tokio::test]
async fn a_hand_over_whose_link_cannot_be_emailed_stores_nothing() {
    let mut p = spawn().await;
    let a = p.practice().await;
    p.signed(&a.client, a.tenant, "release-of-information").await;
    let (_, recorded_one) = record(&p, &a.staff, (a.tenant, &a.client), asked(json!(["diagnoses"]))).await;
    let request = id(&recorded_one);
    respond(&p, &a, request, json!({ "approve": true, "categories": ["diagnoses"] })).await;
    drop(p.smtp.take());

    let (status, body) =
        hand_over(&p, &a, request, sealed(a.tenant, request, json!(["diagnoses"]), bundle()).await).await;

    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    for table in ["consent.transfer_packages", "consent.transfer_links"] {
        let rows = query(&p.consent_admin, &format!("select count(*) as n from {table}"), vec![]).await;
        assert_eq!(rows[0].try_get::<i64>("", "n").unwrap(), 0, "{table}");
    }
    assert_eq!(requests_of(&p, &a, &a.client).await[0]["packaged"], false, "the client can hand it over again");
}

#[tokio::test]
async fn only_the_front_desk_records_for_a_client_of_its_own_practice_an_outside_provider() {
    let p = spawn().await;
    let (a, b) = (p.practice().await, p.practice().await);
    let body = asked(json!(["diagnoses"]));
    assert_eq!(record(&p, &a.admin, (a.tenant, &a.client), body.clone()).await.0, StatusCode::CREATED);
    for who in [&a.clinician, &a.other_client] {
        assert_eq!(record(&p, who, (a.tenant, &a.client), body.clone()).await.0, StatusCode::FORBIDDEN);
    }
    assert_eq!(record(&p, &a.client, (a.tenant, &a.client), body.clone()).await.0, StatusCode::FORBIDDEN);
    assert_eq!(record(&p, &b.staff, (a.tenant, &a.client), body.clone()).await.0, StatusCode::NOT_FOUND);
    // Only for a client of the practice: another practice's client, a colleague or no one is
    // not found, and nothing is recorded for them.
    for not_ours in [&b.client, &a.clinician] {
        assert_eq!(record(&p, &a.staff, (a.tenant, not_ours), body.clone()).await.0, StatusCode::NOT_FOUND);
    }
    let nobody = Person { user: tp_ids::UserId::generate(), token: String::new() };
    assert_eq!(record(&p, &a.staff, (a.tenant, &nobody), body.clone()).await.0, StatusCode::NOT_FOUND);
    let on_platform = json!({ "recipient": { "kind": "practice", "tenant_id": b.tenant }, "purpose": "p", "categories": ["diagnoses"] });
    let (status, refused) = record(&p, &a.staff, (a.tenant, &a.client), on_platform).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(refused["error"]["message"].as_str().unwrap().contains("recipient"), "{refused}");
    let bad_email = json!({ "recipient": outside("not-an-address"), "purpose": "p", "categories": ["diagnoses"] });
    assert_eq!(record(&p, &a.staff, (a.tenant, &a.client), bad_email).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(recorded(&p, &a.clinician, a.tenant).await.0, StatusCode::FORBIDDEN);
    assert_eq!(recorded(&p, &a.client, a.tenant).await.0, StatusCode::FORBIDDEN);
    assert_eq!(recorded(&p, &b.staff, a.tenant).await.0, StatusCode::NOT_FOUND);

    // What the provider asked for is sealed like every request.
    let rows = query(&p.consent_admin, "select request, named_client_id from consent.transfers", vec![]).await;
    let raw: Vec<u8> = rows[0].try_get("", "request").unwrap();
    for plain in [PROVIDER, "Dr Ada Lovelace", "Continuity of care", "diagnoses"] {
        assert!(!String::from_utf8_lossy(&raw).contains(plain), "{plain} in plaintext");
    }
    assert_eq!(rows[0].try_get::<Uuid>("", "named_client_id").unwrap(), Uuid::from(a.client.user));
}
