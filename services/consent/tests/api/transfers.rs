//! Records transfers between two practices: the request, the client's answer, the package
//! and the one download, what the requester may learn before approval, and who may do what.
//! The package is sealed here exactly as records seals it (records' own Vault role, the
//! contract's field binding); records' own packaging is tested in records and end to end
//! through the gateway.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use reqwest::{Method, StatusCode};
use sea_orm::ConnectionTrait as _;
use serde_json::{Value, json};
use tp_config::CryptoSettings;
use tp_consent_api::paths;
use tp_crypto::{FieldContext, Keyring};
use tp_ids::{Service, TenantId};
use tp_records_api::disclosure::{PACKAGE_COLUMN, PACKAGE_TABLE, PackageContents};
use uuid::Uuid;

use crate::harness::{Person, Platform, Practice, code, email_of, exec, query, spawn};

/// `from` (a clinician of another practice) asks `of` for `client`'s records.
async fn ask(p: &Platform, from: (&Person, TenantId), of: TenantId, email: &str, categories: Value) -> Value {
    let body =
        json!({ "practice_id": of, "client_email": email, "purpose": "Continuity of care", "categories": categories });
    let (status, sent) = p.call(from.0, Method::POST, &paths::records_requests(from.1), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    sent
}

pub(crate) fn id(body: &Value) -> Uuid {
    body["id"].as_str().unwrap().parse().unwrap()
}

pub(crate) async fn requests_of(p: &Platform, a: &Practice, client: &Person) -> Vec<Value> {
    let (status, list) =
        p.call(client, Method::GET, &paths::client_records_requests(a.tenant, client.user), None).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list["requests"].as_array().unwrap().clone()
}

pub(crate) async fn respond(p: &Platform, a: &Practice, request: Uuid, body: Value) -> (StatusCode, Value) {
    p.call(&a.client, Method::POST, &paths::records_request_response(a.tenant, a.client.user, request), Some(body))
        .await
}

async fn sent_status(p: &Platform, requester: &Person, tenant: TenantId) -> Vec<String> {
    let (status, list) = p.call(requester, Method::GET, &paths::records_requests(tenant), None).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list["requests"].as_array().unwrap().iter().map(|r| r["status"].as_str().unwrap().to_owned()).collect()
}

/// A package as records makes one: `contents` sealed under `tenant`'s key for `package`.
pub(crate) async fn sealed(tenant: TenantId, package: Uuid, categories: Value, bundle: Value) -> String {
    let keyring =
        Keyring::new(tp_testkit::vault::service_vault(Service::Records).await, &CryptoSettings::default()).unwrap();
    let contents = PackageContents {
        package_id: package,
        categories: serde_json::from_value(categories).unwrap(),
        grants: Vec::new(),
        bundle,
    };
    let field = FieldContext::new(PACKAGE_TABLE, PACKAGE_COLUMN, package);
    let ciphertext = keyring.encrypt(&tenant, &field, &serde_json::to_vec(&contents).unwrap()).await.unwrap();
    STANDARD.encode(ciphertext)
}

pub(crate) async fn hand_over(p: &Platform, a: &Practice, request: Uuid, sealed: String) -> (StatusCode, Value) {
    let body = json!({ "package_id": request, "categories": [], "grants": [], "sealed": sealed });
    p.call(&a.client, Method::PUT, &paths::records_request_package(a.tenant, a.client.user, request), Some(body)).await
}

async fn download(p: &Platform, requester: &Person, tenant: TenantId, request: Uuid) -> (StatusCode, Value) {
    p.call(requester, Method::POST, &paths::records_request_download(tenant, request), None).await
}

pub(crate) fn bundle() -> Value {
    json!({ "resourceType": "Bundle", "type": "collection", "entry": [{ "resource": { "resourceType": "Condition" } }] })
}

#[tokio::test]
async fn a_request_reaches_the_client_who_approves_and_the_requester_downloads_once() {
    let p = spawn().await;
    let (a, b) = (p.practice().await, p.practice().await);
    p.signed(&a.client, a.tenant, "release-of-information").await;
    let sent = ask(
        &p,
        (&b.clinician, b.tenant),
        a.tenant,
        &email_of(&a.client).to_uppercase(),
        json!(["diagnoses", "progress_notes"]),
    )
    .await;
    assert_eq!(sent["status"], "pending");
    let request = id(&sent);

    // The client named sees who asks, as identity knew them; another client sees nothing.
    let seen = requests_of(&p, &a, &a.client).await;
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0]["requester"]["user_id"], json!(b.clinician.user));
    assert_eq!(seen[0]["requester"]["practice_name"], "Practice");
    assert_eq!(seen[0]["requester"]["email"], email_of(&b.clinician));
    assert_eq!(seen[0]["status"], "requested");
    assert!(requests_of(&p, &a, &a.other_client).await.is_empty());

    let (status, answered) = respond(&p, &a, request, json!({ "approve": true, "categories": ["diagnoses"] })).await;
    assert_eq!(status, StatusCode::OK, "{answered}");
    assert_eq!(answered["status"], "approved");
    assert_eq!(answered["approved"], json!(["diagnoses"]));
    let authorization = answered["authorization_ids"][0].as_str().unwrap().to_owned();
    // Approved but not yet packaged: nothing to download, still pending to the requester.
    assert_eq!(sent_status(&p, &b.clinician, b.tenant).await, ["pending"]);
    assert_eq!(download(&p, &b.clinician, b.tenant, request).await.0, StatusCode::CONFLICT);

    let (status, packaged) =
        hand_over(&p, &a, request, sealed(a.tenant, request, json!(["diagnoses"]), bundle()).await).await;
    assert_eq!(status, StatusCode::OK, "{packaged}");
    assert_eq!(packaged["packaged"], true);
    let again = sealed(a.tenant, request, json!(["diagnoses"]), bundle()).await;
    assert_eq!(hand_over(&p, &a, request, again).await.0, StatusCode::CONFLICT, "a package is handed over once");
    assert_eq!(sent_status(&p, &b.clinician, b.tenant).await, ["ready"]);

    let (status, got) = download(&p, &b.clinician, b.tenant, request).await;
    assert_eq!(status, StatusCode::OK, "{got}");
    assert_eq!(got, bundle());
    let (status, body) = download(&p, &b.clinician, b.tenant, request).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "CONSENT_CONFLICT"), "once only");
    assert_eq!(sent_status(&p, &b.clinician, b.tenant).await, ["downloaded"]);
    let rows = query(&p.consent_admin, "select count(*) as n from consent.transfer_packages", vec![]).await;
    assert_eq!(rows[0].try_get::<i64>("", "n").unwrap(), 0, "the package is deleted once downloaded");

    // Accounted, and the approval's authorization ended with the transfer.
    let (_, accounting) = p.call(&a.client, Method::GET, &paths::disclosures(a.tenant, a.client.user), None).await;
    let line = &accounting["disclosures"][0];
    assert_eq!(line["categories"], json!(["diagnoses"]));
    assert_eq!(line["recipient"], json!({ "kind": "clinician", "tenant_id": b.tenant, "user_id": b.clinician.user }));
    assert_eq!(line["authorization_ids"], json!([authorization]));
    assert_eq!(line["disclosed_by"], json!(b.clinician.user));
    let (_, authorizations) =
        p.call(&a.client, Method::GET, &paths::authorizations(a.tenant, a.client.user), None).await;
    assert_eq!(authorizations["authorizations"][0]["status"], "expired");
    assert_eq!(authorizations["authorizations"][0]["expires_on"], "transfer_completed");
    let downloaded = p.details(a.tenant, "consent.transfer.downloaded").await;
    assert_eq!(downloaded.len(), 1);
    assert_eq!(downloaded[0]["request_id"], request.to_string());
    assert_eq!(requests_of(&p, &a, &a.client).await[0]["status"], "downloaded");
}

#[tokio::test]
async fn the_requester_learns_nothing_before_the_client_approves() {
    let p = spawn().await;
    let (a, b) = (p.practice().await, p.practice().await);
    let client = ask(&p, (&b.clinician, b.tenant), a.tenant, &email_of(&a.client), json!(["diagnoses"])).await;
    let stranger = ask(&p, (&b.clinician, b.tenant), a.tenant, "nobody@example.test", json!(["diagnoses"])).await;
    let shape = |v: &Value| {
        let mut v = v.clone();
        for key in ["id", "client_email", "created_at", "expires_at"] {
            v.as_object_mut().unwrap().remove(key);
        }
        v
    };
    assert_eq!(shape(&client), shape(&stranger), "the same receipt for a client and for no one");

    let (status, declined) = respond(&p, &a, id(&client), json!({ "approve": false, "categories": [] })).await;
    assert_eq!((status, declined["status"].as_str()), (StatusCode::OK, Some("declined")));
    assert_eq!(sent_status(&p, &b.clinician, b.tenant).await, ["pending", "pending"], "a decline looks like a wait");
    for request in [id(&client), id(&stranger)] {
        let (status, body) = download(&p, &b.clinician, b.tenant, request).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(body["error"]["message"], "conflict: this request has nothing to download");
    }

    // Both lapse alike (the lifetime moved into the past as superuser, triggers aside).
    let sql = "set session_replication_role = replica; \
               update consent.transfers set expires_at = now() - interval '1 minute'; \
               set session_replication_role = origin;";
    p.consent_admin.execute_unprepared(sql).await.unwrap();
    assert_eq!(sent_status(&p, &b.clinician, b.tenant).await, ["expired", "expired"]);
}

#[tokio::test]
async fn a_revocation_before_the_download_denies_it_and_nothing_is_accounted() {
    let p = spawn().await;
    let (a, b) = (p.practice().await, p.practice().await);
    p.signed(&a.client, a.tenant, "release-of-information").await;
    let request = id(&ask(&p, (&b.clinician, b.tenant), a.tenant, &email_of(&a.client), json!(["diagnoses"])).await);
    let (_, answered) = respond(&p, &a, request, json!({ "approve": true, "categories": ["diagnoses"] })).await;
    hand_over(&p, &a, request, sealed(a.tenant, request, json!(["diagnoses"]), bundle()).await).await;
    let authorization: Uuid = answered["authorization_ids"][0].as_str().unwrap().parse().unwrap();
    let revocation = paths::authorization_revocation(a.tenant, a.client.user, authorization);
    assert_eq!(p.call(&a.client, Method::POST, &revocation, None).await.0, StatusCode::OK);

    let (status, body) = download(&p, &b.clinician, b.tenant, request).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body.get("resourceType").is_none());
    let (_, accounting) = p.call(&a.client, Method::GET, &paths::disclosures(a.tenant, a.client.user), None).await;
    assert_eq!(accounting["disclosures"], json!([]));
}

#[tokio::test]
async fn an_approval_needs_the_documents_its_categories_need_and_only_what_was_asked() {
    let p = spawn().await;
    let (a, b) = (p.practice().await, p.practice().await);
    let asked = json!(["diagnoses", "psychotherapy_notes", "sud_records"]);
    let request = id(&ask(&p, (&b.clinician, b.tenant), a.tenant, &email_of(&a.client), asked).await);
    let approve = |categories: Value| json!({ "approve": true, "categories": categories });

    let (status, body) = respond(&p, &a, request, approve(json!(["diagnoses"]))).await;
    assert_eq!(status, StatusCode::CONFLICT, "no release of information signed: {body}");
    p.signed(&a.client, a.tenant, "release-of-information").await;
    let (status, body) = respond(&p, &a, request, approve(json!(["diagnoses", "psychotherapy_notes"]))).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("psychotherapy-notes"));
    let (status, body) = respond(&p, &a, request, approve(json!(["sud_records"]))).await;
    assert!(status == StatusCode::CONFLICT && body["error"]["message"].as_str().unwrap().contains("Part 2"));
    assert_eq!(respond(&p, &a, request, approve(json!(["progress_notes"]))).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(respond(&p, &a, request, approve(json!([]))).await.0, StatusCode::BAD_REQUEST);
    let decline_with = json!({ "approve": false, "categories": ["diagnoses"] });
    assert_eq!(respond(&p, &a, request, decline_with).await.0, StatusCode::BAD_REQUEST);

    p.signed(&a.client, a.tenant, "psychotherapy-notes").await;
    p.signed(&a.client, a.tenant, "part2-sud").await;
    let (status, answered) =
        respond(&p, &a, request, approve(json!(["sud_records", "diagnoses", "psychotherapy_notes"]))).await;
    assert_eq!(status, StatusCode::OK, "{answered}");
    assert_eq!(answered["authorization_ids"].as_array().unwrap().len(), 3, "one per document");
    let (_, list) = p.call(&a.client, Method::GET, &paths::authorizations(a.tenant, a.client.user), None).await;
    let mut granted: Vec<Value> =
        list["authorizations"].as_array().unwrap().iter().map(|a| a["categories"].clone()).collect();
    granted.sort_by_key(Value::to_string);
    assert_eq!(granted, [json!(["diagnoses"]), json!(["psychotherapy_notes"]), json!(["sud_records"])]);
    assert_eq!(respond(&p, &a, request, approve(json!(["diagnoses"]))).await.0, StatusCode::CONFLICT, "once");
}

#[tokio::test]
async fn a_package_must_be_the_one_sealed_for_this_request_in_this_practice() {
    let p = spawn().await;
    let (a, b) = (p.practice().await, p.practice().await);
    p.signed(&a.client, a.tenant, "release-of-information").await;
    let request = id(&ask(&p, (&b.clinician, b.tenant), a.tenant, &email_of(&a.client), json!(["diagnoses"])).await);
    respond(&p, &a, request, json!({ "approve": true, "categories": ["diagnoses"] })).await;
    let other_request = sealed(a.tenant, Uuid::now_v7(), json!(["diagnoses"]), bundle()).await;
    let other_practice = sealed(b.tenant, request, json!(["diagnoses"]), bundle()).await;
    for forged in [other_request, other_practice, "not base64!".to_owned(), STANDARD.encode(b"not a ciphertext")] {
        let (status, body) = hand_over(&p, &a, request, forged).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body["error"]["message"].as_str().unwrap().contains("sealed"), "{body}");
    }
    // A request the client has not answered is not theirs to package; a declined one takes none.
    let waiting = id(&ask(&p, (&b.clinician, b.tenant), a.tenant, &email_of(&a.client), json!(["diagnoses"])).await);
    let package = sealed(a.tenant, waiting, json!(["diagnoses"]), bundle()).await;
    assert_eq!(hand_over(&p, &a, waiting, package.clone()).await.0, StatusCode::NOT_FOUND);
    respond(&p, &a, waiting, json!({ "approve": false, "categories": [] })).await;
    assert_eq!(hand_over(&p, &a, waiting, package).await.0, StatusCode::CONFLICT);
}

#[tokio::test]
async fn only_the_requester_downloads_and_only_the_client_named_answers() {
    let p = spawn().await;
    let (a, b) = (p.practice().await, p.practice().await);
    p.signed(&a.client, a.tenant, "release-of-information").await;
    let request = id(&ask(&p, (&b.clinician, b.tenant), a.tenant, &email_of(&a.client), json!(["diagnoses"])).await);

    // Answering: the client named only.
    let other = p
        .call(
            &a.other_client,
            Method::POST,
            &paths::records_request_response(a.tenant, a.other_client.user, request),
            Some(json!({ "approve": false, "categories": [] })),
        )
        .await;
    assert_eq!(other.0, StatusCode::NOT_FOUND);
    for who in [&a.admin, &a.clinician, &a.staff] {
        let path = paths::records_request_response(a.tenant, a.client.user, request);
        let (status, _) = p.call(who, Method::POST, &path, Some(json!({ "approve": false, "categories": [] }))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    respond(&p, &a, request, json!({ "approve": true, "categories": ["diagnoses"] })).await;
    hand_over(&p, &a, request, sealed(a.tenant, request, json!(["diagnoses"]), bundle()).await).await;

    // Downloading: the requester only; a colleague, the admin, another practice get 404.
    let colleague = p.person(b.tenant, &["clinician"]).await;
    for (who, tenant) in [(&colleague, b.tenant), (&b.admin, b.tenant), (&a.clinician, a.tenant), (&a.admin, a.tenant)]
    {
        assert_eq!(download(&p, who, tenant, request).await.0, StatusCode::NOT_FOUND);
    }
    assert_eq!(download(&p, &b.clinician, a.tenant, request).await.0, StatusCode::NOT_FOUND, "another practice's path");
    assert_eq!(download(&p, &b.staff, b.tenant, request).await.0, StatusCode::FORBIDDEN);

    // Asking: clinicians and admins, of another practice that exists.
    let body = |to: TenantId| json!({ "practice_id": to, "client_email": "x@example.test", "purpose": "p", "categories": ["diagnoses"] });
    let requests = paths::records_requests(b.tenant);
    let ask_as = async |who: &Person, to| p.call(who, Method::POST, &requests, Some(body(to))).await;
    assert_eq!(ask_as(&b.staff, a.tenant).await.0, StatusCode::FORBIDDEN);
    assert_eq!(ask_as(&b.client, a.tenant).await.0, StatusCode::FORBIDDEN);
    assert_eq!(ask_as(&b.admin, a.tenant).await.0, StatusCode::CREATED);
    assert_eq!(ask_as(&b.clinician, b.tenant).await.0, StatusCode::BAD_REQUEST, "one's own practice");
    assert_eq!(ask_as(&b.clinician, TenantId::generate()).await.0, StatusCode::NOT_FOUND, "no such practice");
    let bad = json!({ "practice_id": a.tenant, "client_email": "no", "purpose": "p", "categories": ["diagnoses"] });
    let (status, body) = p.call(&b.clinician, Method::POST, &paths::records_requests(b.tenant), Some(bad)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["message"].as_str().unwrap().contains("client_email"), "{body}");
}

#[tokio::test]
async fn a_transfer_keeps_who_asked_whom_for_and_why_sealed() {
    let p = spawn().await;
    let (a, b) = (p.practice().await, p.practice().await);
    let email = email_of(&a.client);
    ask(&p, (&b.clinician, b.tenant), a.tenant, &email, json!(["sud_records"])).await;
    for (table, column) in [("consent.transfers", "request"), ("consent.sent_requests", "request")] {
        let rows = query(&p.consent_admin, &format!("select {column} from {table}"), vec![]).await;
        assert_eq!(rows.len(), 1);
        let raw: Vec<u8> = rows[0].try_get("", column).unwrap();
        let text = String::from_utf8_lossy(&raw);
        for plain in [email.as_str(), "Continuity of care", "sud_records", "Test Person"] {
            assert!(!text.contains(plain), "{table}.{column} holds {plain} in plaintext");
        }
    }
    // A request is changed only by a decision, for the superuser too.
    let err = exec(&p.consent_admin, "update consent.transfers set expires_at = now()", vec![]).await.unwrap_err();
    assert!(err.to_string().contains("only a decision"), "{err}");
}
