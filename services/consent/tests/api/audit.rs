//! Every consent operation leaves exactly one event, written in the operation's own
//! transaction; refusals are recorded as denied in the caller's practice; when the event
//! cannot be written the operation fails, returns nothing and changes nothing.

use reqwest::{Method, StatusCode};
use serde_json::json;
use tp_consent_api::paths;
use uuid::Uuid;

use crate::harness::{Event, code, exec, query, spawn};

#[tokio::test]
async fn each_operation_leaves_one_event_naming_actor_and_client_and_refusals_are_denied() {
    // Arrange
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;

    // Act
    let key = p.practice_template(&a.admin, a.tenant, "other", "Fees").await;
    let required = json!({ "before_first_appointment": [key] });
    p.call(&a.admin, Method::PUT, &paths::requirements(a.tenant), Some(required)).await;
    let (_, signed) = p.sign(&a.client, a.tenant, &key).await;
    let id: Uuid = signed["id"].as_str().unwrap().parse().unwrap();
    p.call(&a.client, Method::POST, &paths::withdrawal(a.tenant, a.client.user, id), None).await;
    p.call(&a.admin, Method::GET, &paths::signatures(a.tenant, a.client.user), None).await;
    p.call(&a.staff, Method::GET, &paths::readiness(a.tenant, a.client.user), None).await;
    p.call(&a.clinician, Method::GET, &paths::signatures(a.tenant, a.client.user), None).await;
    p.call(&b.admin, Method::GET, &paths::signatures(a.tenant, a.client.user), None).await;

    // Assert
    let client = Some(a.client.user);
    let expected = vec![
        Event::new("consent.template.saved", "success", &a.admin, None),
        Event::new("consent.requirements.set", "success", &a.admin, None),
        Event::new("consent.document.signed", "success", &a.client, client),
        Event::new("consent.document.withdrawn", "success", &a.client, client),
        Event::new("consent.document.read", "success", &a.admin, client),
        Event::new("consent.readiness.read", "success", &a.staff, client),
        Event::new("consent.document.read", "denied", &a.clinician, client),
    ];
    assert_eq!(p.events(a.tenant).await, expected);
    assert_eq!(
        p.events(b.tenant).await,
        vec![Event::new("consent.document.read", "denied", &b.admin, client)],
        "a probe of another practice is logged in the prober's own practice"
    );
    // The events say which signature, never which template.
    let signed_details = p.details(a.tenant, "consent.document.signed").await;
    assert_eq!(signed_details, [json!({ "signature_id": id.to_string() })]);
}

#[tokio::test]
async fn when_the_audit_log_refuses_the_event_nothing_is_signed_withdrawn_or_shown() {
    // Arrange: a signed document, then an audit log that refuses every new event.
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;
    let (_, signed) = p.sign(&a.client, a.tenant, "telehealth").await;
    let id: Uuid = signed["id"].as_str().unwrap().parse().unwrap();
    let before = p.events(a.tenant).await;
    exec(&p.consent_admin, "alter table audit.events add constraint block check (false) not valid", vec![])
        .await
        .unwrap();

    // Act
    let (sign, sign_body) = p.sign(&a.client, a.tenant, "recording").await;
    let withdraw = p.call(&a.client, Method::POST, &paths::withdrawal(a.tenant, a.client.user, id), None).await;
    let read = p.call(&a.admin, Method::GET, &paths::signatures(a.tenant, a.client.user), None).await;
    let readiness = p.call(&a.staff, Method::GET, &paths::readiness(a.tenant, a.client.user), None).await;
    let template = json!({ "kind": "other", "title": "Never saved", "body": "Body." });
    let save = p.call(&a.admin, Method::POST, &paths::templates(a.tenant), Some(template)).await;

    // Assert: errors without data, and nothing changed.
    for (status, body) in [(sign, sign_body), withdraw, read, readiness, save] {
        assert_eq!((status, code(&body)), (StatusCode::INTERNAL_SERVER_ERROR, "CONSENT_INTERNAL"), "{body}");
        assert!(!body.to_string().contains("Casey"), "{body}");
    }
    exec(&p.consent_admin, "alter table audit.events drop constraint block", vec![]).await.unwrap();
    assert_eq!(p.events(a.tenant).await, before, "no event for operations that did not happen");
    let counts = "select (select count(*) from consent.signatures) as s, (select count(*) from consent.withdrawals) as w, \
                  (select count(*) from consent.templates) as t";
    let row = &query(&p.consent_admin, counts, vec![]).await[0];
    let got: (i64, i64, i64) =
        (row.try_get("", "s").unwrap(), row.try_get("", "w").unwrap(), row.try_get("", "t").unwrap());
    assert_eq!(got, (1, 0, 0), "only the first signature exists");
    assert_eq!(p.events(b.tenant).await, vec![], "nothing in the other practice's log");
}
