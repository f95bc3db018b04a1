//! Disclosure packages, who and when: only the client themself asks (the admin, a clinician,
//! another client, a clinician who is also a client: 403; another practice: 404), a bad
//! request names its field, consent's decision is asked every time (a revocation, an
//! accepted restriction, another recipient: not authorized, nothing sealed), consent down
//! is 503; the sealed package opens only for its own id and practice, and the audit event
//! names the authorizations, never the recipient.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tp_consent_api::paths as consent_paths;
use tp_records_api::paths;
use uuid::Uuid;

use crate::disclosure::{Practice, ids, open, open_as, outside, practice, set};
use crate::harness::{DEAD, Person, Urls, code, records_at};

const PACKAGED: &str = "records.disclosure.packaged";

async fn denied(c: &Practice, tenant: tp_ids::TenantId) -> usize {
    c.p.details(tenant, PACKAGED, "denied").await.len()
}

#[tokio::test]
async fn only_the_client_themself_packages_their_record_and_another_practice_is_not_found() {
    // Arrange
    let c = practice().await;
    c.authorize("release-of-information", &outside(), json!(["diagnoses"])).await;
    let admin = c.p.person(c.tenant, &["practice_admin"]).await;
    c.p.assign(c.tenant, admin.user, c.client.user).await;
    let other_client = c.p.person(c.tenant, &["client"]).await;
    // A clinician of the care team who is a client of the practice too holds the client's
    // permission, but for their own record only.
    let both = c.p.person(c.tenant, &["clinician", "client"]).await;
    c.p.assign(c.tenant, both.user, c.client.user).await;
    let stranger = c.p.person(c.other, &["client"]).await;

    // Act / Assert
    let refused: [(&str, &Person); 4] = [
        ("admin", &admin),
        ("clinician", &c.clinician),
        ("another client", &other_client),
        ("clinician and client", &both),
    ];
    for (who, person) in refused {
        let (status, body) = c.package(person, &outside(), json!(["diagnoses"])).await;
        assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "RECORDS_FORBIDDEN"), "{who}: {body}");
    }
    let (status, body) = c.package(&stranger, &outside(), json!(["diagnoses"])).await;
    assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "RECORDS_NOT_FOUND"), "{body}");
    assert_eq!(denied(&c, c.tenant).await, 4, "each refusal audited in the practice");
    assert_eq!(denied(&c, c.other).await, 1, "another practice's attempt in its own");
    let (status, body) = c.package(&c.client, &outside(), json!(["diagnoses"])).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn a_bad_request_is_400_naming_its_field() {
    // Arrange
    let c = practice().await;
    let path = paths::disclosure_packages(c.tenant, c.client.user);
    let eleven: Vec<&str> = ["diagnoses"; 11].to_vec();
    let bad_email = json!({ "kind": "outside", "name": "Dr A", "organisation": null, "email": "not-an-address" });
    let cases: [(&str, Value); 6] = [
        ("categories", json!({ "package_id": Uuid::now_v7(), "recipient": outside(), "categories": [] })),
        ("categories", json!({ "package_id": Uuid::now_v7(), "recipient": outside(), "categories": eleven })),
        (
            "recipient",
            json!({ "package_id": Uuid::now_v7(), "recipient": { "kind": "school" }, "categories": ["diagnoses"] }),
        ),
        // consent's rules, answered by consent and passed on as the caller's 400.
        ("recipient", json!({ "package_id": Uuid::now_v7(), "recipient": bad_email, "categories": ["diagnoses"] })),
        ("package_id", json!({ "recipient": outside(), "categories": ["diagnoses"] })),
        ("categories", json!({ "package_id": Uuid::now_v7(), "recipient": outside(), "categories": ["gossip"] })),
    ];

    for (field, body) in cases {
        // Act
        let (status, answer) = c.p.call(&c.client, Method::POST, &path, Some(body)).await;

        // Assert
        assert_eq!((status, code(&answer)), (StatusCode::BAD_REQUEST, "RECORDS_INVALID_INPUT"), "{field}: {answer}");
        let message = answer["error"]["message"].as_str().unwrap();
        assert!(message.starts_with(&format!("invalid {field}:")), "{field}: {message}");
    }
    let url = format!("{}{path}", c.p.records.address);
    let response = c.p.http.post(url).bearer_auth(&c.client.token).body("{").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(c.p.details(c.tenant, PACKAGED, "success").await.is_empty());
}

#[tokio::test]
async fn a_revocation_a_restriction_or_another_recipient_stops_what_it_covers_and_nothing_is_sealed() {
    // Arrange
    let c = practice().await;
    let k = c.fill().await;
    let admin = c.p.person(c.tenant, &["practice_admin"]).await;
    let authorization = c.authorize("release-of-information", &outside(), json!(["diagnoses", "medications"])).await;
    let asked = json!(["diagnoses", "medications"]);
    let (_, first) = c.packaged(&outside(), asked.clone()).await;
    assert_eq!(ids(&first.bundle, "Condition"), set([k.plain_diagnosis]));

    // Act / Assert: someone else is not the recipient authorized.
    let someone_else =
        json!({ "kind": "outside", "name": "Eve", "organisation": null, "email": "eve@elsewhere.example" });
    let (status, body) = c.package(&c.client, &someone_else, asked.clone()).await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "RECORDS_DISCLOSURE_NOT_AUTHORIZED"), "{body}");
    assert_eq!(body["error"]["message"], "the client has not authorized this disclosure");
    assert!(body.get("sealed").is_none());
    // An accepted restriction on diagnoses removes them.
    let (t, me) = (c.tenant, c.client.user);
    let restriction = json!({ "categories": ["diagnoses"], "recipient": null, "description": "Not my diagnoses" });
    let (status, requested) =
        c.p.consent_call(&c.client, Method::POST, &consent_paths::restrictions(t, me), Some(restriction)).await;
    assert_eq!(status, StatusCode::CREATED, "{requested}");
    let review = consent_paths::restriction_review(t, me, requested["id"].as_str().unwrap().parse().unwrap());
    let accept = json!({ "accept": true, "reason": "Accepted" });
    let (status, reviewed) = c.p.consent_call(&admin, Method::POST, &review, Some(accept)).await;
    assert_eq!(status, StatusCode::OK, "{reviewed}");
    let (restricted, contents) = c.packaged(&outside(), asked.clone()).await;
    assert_eq!(restricted["categories"], json!(["medications"]));
    assert!(ids(&contents.bundle, "Condition").is_empty());
    assert_eq!(ids(&contents.bundle, "MedicationStatement"), set([k.plain_medication]));
    // Revoked: the very next package is refused.
    let revoke = consent_paths::authorization_revocation(t, me, authorization);
    let (status, _) = c.p.consent_call(&c.client, Method::POST, &revoke, None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = c.package(&c.client, &outside(), asked).await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "RECORDS_DISCLOSURE_NOT_AUTHORIZED"), "{body}");
    assert_eq!(c.p.details(t, PACKAGED, "success").await.len(), 2, "only the two packages made");
    assert_eq!(denied(&c, t).await, 2);
}

#[tokio::test]
async fn with_consent_down_a_package_is_503_and_nothing_is_made() {
    // Arrange: a records instance on the same database whose consent does not answer.
    let c = practice().await;
    c.authorize("release-of-information", &outside(), json!(["diagnoses"])).await;
    let urls = Urls { identity: &c.p.identity.address, issuer: &c.p.identity.address, consent: DEAD };
    let cut_off = records_at(urls, Some(&c.p.records)).await;
    let body = json!({ "package_id": Uuid::now_v7(), "recipient": outside(), "categories": ["diagnoses"] });
    let url = format!("{}{}", cut_off.address, paths::disclosure_packages(c.tenant, c.client.user));

    // Act
    let response = c.p.http.post(url).bearer_auth(&c.client.token).json(&body).send().await.unwrap();

    // Assert
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(code(&answer), "RECORDS_UNAVAILABLE");
    assert!(answer.get("sealed").is_none());
    assert!(c.p.details(c.tenant, PACKAGED, "success").await.is_empty());
}

#[tokio::test]
async fn a_package_opens_only_for_its_own_id_and_practice_and_its_event_names_grants_not_the_recipient() {
    // Arrange
    let c = practice().await;
    c.fill().await;
    let authorization = c.authorize("release-of-information", &outside(), json!(["diagnoses"])).await;
    let (status, package) = c.package(&c.client, &outside(), json!(["diagnoses"])).await;
    assert_eq!(status, StatusCode::OK, "{package}");
    let id: Uuid = package["package_id"].as_str().unwrap().parse().unwrap();
    let sealed = package["sealed"].as_str().unwrap();

    // Act
    let opened = open(c.tenant, &package).await;
    let as_another_package = open_as(c.tenant, Uuid::now_v7(), sealed).await;
    let in_another_practice = open_as(c.other, id, sealed).await;

    // Assert
    assert!(opened.is_ok());
    assert!(as_another_package.is_err(), "bound to its package id");
    assert!(in_another_practice.is_err(), "sealed under its practice's key");
    let details = c.p.details(c.tenant, PACKAGED, "success").await;
    assert_eq!(details.len(), 1);
    let event = &details[0];
    assert_eq!(event["package_id"], id.to_string());
    assert_eq!(event["grants"], authorization.to_string());
    assert_eq!(
        (event["diagnoses"].clone(), event["patients"].clone(), event["consents"].clone()),
        (json!("1"), json!("1"), json!("1"))
    );
    let text = event.to_string().to_lowercase();
    for recipient in ["ada@", "lovelace", "heron", "outside"] {
        assert!(!text.contains(recipient), "the event names the recipient: {event}");
    }
    assert!(c.p.details(c.other, PACKAGED, "success").await.is_empty());
}
