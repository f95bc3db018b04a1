//! The decision table, path by path, through the API: each row of ADR 0006's table with a
//! second practice beside it, read from the rows in the request (a revocation or an ended
//! event denies the next request).

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tp_consent_api::paths;
use uuid::Uuid;

use crate::harness::{Practice, code, exec, outside, practice_recipient, spawn};

const EMAIL: &str = "ada@clinic.example";

/// Whether the decision permits, and the categories it permits.
fn permitted(body: &Value) -> (bool, Value) {
    (body["permit"].as_bool().unwrap(), body["categories"].clone())
}

#[tokio::test]
async fn no_authorization_expired_by_date_or_by_event_or_revoked_denies() {
    // Arrange
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;
    let client = (a.tenant, a.client.user);
    let ask = || (outside(EMAIL), json!(["diagnoses"]));
    let (_, none) = p.decide(&a.admin, client, ask().0, ask().1).await;
    let release = p.signed(&a.client, a.tenant, "release-of-information").await;
    let by_date = p.authorized(&a.client, a.tenant, release, ask()).await;
    let (_, active) = p.decide(&a.client, client, ask().0, ask().1).await;
    // The date passes (arranged by hand: no API moves an expiry).
    for sql in [
        "alter table consent.authorizations disable trigger authorizations_change",
        "update consent.authorizations set expires_at = now() - interval '1 second' where id = $1",
        "alter table consent.authorizations enable trigger authorizations_change",
    ] {
        let values = if sql.contains("$1") { vec![by_date.into()] } else { vec![] };
        exec(&p.consent_admin, sql, values).await.unwrap();
    }
    let (_, expired) = p.decide(&a.admin, client, ask().0, ask().1).await;
    let by_event = p.authorized(&a.client, a.tenant, release, ask()).await;
    let (_, live_again) = p.decide(&a.admin, client, ask().0, ask().1).await;
    let end = "update consent.authorizations set event_ended_at = now() where id = $1";
    exec(&p.consent_admin, end, vec![by_event.into()]).await.unwrap();
    let (_, ended) = p.decide(&a.admin, client, ask().0, ask().1).await;
    let revocable = p.authorized(&a.client, a.tenant, release, ask()).await;
    p.call(&a.client, Method::POST, &paths::authorization_revocation(a.tenant, a.client.user, revocable), None).await;
    let (_, revoked) = p.decide(&a.admin, client, ask().0, ask().1).await;

    // Assert
    let deny = json!({ "permit": false, "categories": [], "denied": ["diagnoses"], "grants": [] });
    assert_eq!(none, deny, "no authorization");
    assert_eq!(
        active,
        json!({ "permit": true, "categories": ["diagnoses"], "denied": [],
                "grants": [{ "authorization_id": by_date, "categories": ["diagnoses"] }] })
    );
    assert_eq!(expired, deny, "expired by date");
    assert_eq!(permitted(&live_again), (true, json!(["diagnoses"])));
    assert_eq!(ended, deny, "expired by event");
    assert_eq!(revoked, deny, "revoked");
    let (_, list) = p.call(&a.client, Method::GET, &paths::authorizations(a.tenant, a.client.user), None).await;
    let statuses: Vec<&Value> = list["authorizations"].as_array().unwrap().iter().map(|a| &a["status"]).collect();
    assert_eq!(statuses, [&json!("revoked"), &json!("expired"), &json!("expired")]);
    // The other practice: A's client is not its business; its own client has nothing.
    assert_eq!(p.decide(&b.admin, client, ask().0, ask().1).await.0, StatusCode::NOT_FOUND);
    assert_eq!(p.decide(&b.admin, (b.tenant, a.client.user), ask().0, ask().1).await.1, deny);
}

#[tokio::test]
async fn recipients_match_practice_over_clinician_and_outside_by_email_ignoring_case() {
    // Arrange: B is the recipient practice; C another one.
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;
    let c = p.practice().await;
    let client = (a.tenant, a.client.user);
    let release = p.signed(&a.client, a.tenant, "release-of-information").await;
    let b_practice = practice_recipient(b.tenant, None);
    let b_clinician = practice_recipient(b.tenant, Some(b.clinician.user));
    let c_clinician = practice_recipient(c.tenant, Some(c.clinician.user));
    p.authorized(&a.client, a.tenant, release, (b_practice.clone(), json!(["demographics"]))).await;
    p.authorized(&a.client, a.tenant, release, (c_clinician.clone(), json!(["assessments"]))).await;
    p.authorized(&a.client, a.tenant, release, (outside("Ada@Clinic.EXAMPLE"), json!(["documents"]))).await;
    let all = json!(["demographics", "assessments", "documents"]);

    // Act / Assert: (recipient asked, categories permitted).
    let cases: [(Value, Value); 7] = [
        (b_practice, json!(["demographics"])),
        (b_clinician, json!(["demographics"])),
        (practice_recipient(c.tenant, None), json!([])),
        (c_clinician, json!(["assessments"])),
        (practice_recipient(c.tenant, Some(c.admin.user)), json!([])),
        (outside(EMAIL), json!(["documents"])),
        (outside("bob@clinic.example"), json!([])),
    ];
    for (recipient, expected) in cases {
        let (status, decision) = p.decide(&a.admin, client, recipient.clone(), all.clone()).await;
        assert_eq!(status, StatusCode::OK, "{decision}");
        assert_eq!(decision["categories"], expected, "{recipient}");
        assert_eq!(decision["permit"], json!(expected != json!([])), "{recipient}");
    }
    assert_eq!(p.decide(&c.admin, client, outside(EMAIL), all).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn special_categories_come_only_from_their_own_document_and_authorizations_add_up() {
    // Arrange
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;
    let client = (a.tenant, a.client.user);
    let release = p.signed(&a.client, a.tenant, "release-of-information").await;
    let notes = p.signed(&a.client, a.tenant, "psychotherapy-notes").await;
    let part2 = p.signed(&a.client, a.tenant, "part2-sud").await;
    let asked = json!(["demographics", "diagnoses", "psychotherapy_notes", "sud_records"]);
    let roi = p.authorized(&a.client, a.tenant, release, (outside(EMAIL), json!(["demographics"]))).await;
    // An ROI listing them cannot even be created.
    let (refused, _) = p.authorize(&a.client, a.tenant, release, (outside(EMAIL), asked.clone())).await;
    let (_, only_roi) = p.decide(&a.admin, client, outside(EMAIL), asked.clone()).await;
    let second_roi = p.authorized(&a.client, a.tenant, release, (outside(EMAIL), json!(["diagnoses"]))).await;
    let pn = p.authorized(&a.client, a.tenant, notes, (outside(EMAIL), json!(["psychotherapy_notes"]))).await;
    let sud = p.authorized(&a.client, a.tenant, part2, (outside(EMAIL), json!(["sud_records"]))).await;

    // Act
    let (_, union) = p.decide(&a.client, client, outside(EMAIL), asked.clone()).await;

    // Assert
    assert_eq!(refused, StatusCode::BAD_REQUEST);
    assert_eq!(permitted(&only_roi), (true, json!(["demographics"])));
    assert_eq!(only_roi["denied"], json!(["diagnoses", "psychotherapy_notes", "sud_records"]));
    assert_eq!(union["categories"], asked, "{union}");
    assert_eq!(union["denied"], json!([]));
    let mut grants: Vec<(Uuid, Value)> = union["grants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["authorization_id"].as_str().unwrap().parse().unwrap(), g["categories"].clone()))
        .collect();
    grants.sort_by_key(|(id, _)| *id);
    assert_eq!(
        grants,
        [
            (roi, json!(["demographics"])),
            (second_roi, json!(["diagnoses"])),
            (pn, json!(["psychotherapy_notes"])),
            (sud, json!(["sud_records"]))
        ]
    );
    assert_eq!(p.decide(&b.client, client, outside(EMAIL), asked).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn admins_and_the_client_themself_ask_and_each_decision_is_audited_without_the_recipient() {
    // Arrange
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;
    let Practice { tenant, client, .. } = &a;
    let release = p.signed(client, *tenant, "release-of-information").await;
    p.authorized(client, *tenant, release, (outside(EMAIL), json!(["diagnoses"]))).await;
    let ask = || (outside(EMAIL), json!(["diagnoses", "documents"]));

    // Act
    let mut statuses = Vec::new();
    for who in [&a.admin, &a.client, &a.clinician, &a.staff, &a.other_client] {
        statuses.push(p.decide(who, (*tenant, client.user), ask().0, ask().1).await.0);
    }
    let (bad, bad_body) = p.decide(&a.admin, (*tenant, client.user), ask().0, json!([])).await;
    let (malformed, _) = p.decide(&a.admin, (*tenant, client.user), json!({ "kind": "outside" }), ask().1).await;

    // Assert
    use StatusCode as S;
    assert_eq!(statuses, [S::OK, S::OK, S::FORBIDDEN, S::FORBIDDEN, S::FORBIDDEN]);
    assert_eq!((bad, code(&bad_body)), (S::BAD_REQUEST, "CONSENT_INVALID_INPUT"));
    assert_eq!(malformed, S::BAD_REQUEST);
    let details = p.details(*tenant, "consent.decision.made").await;
    let expected = json!({ "permit": "true", "permitted": "diagnoses", "denied": "documents", "grants": "1" });
    assert_eq!(details, [expected.clone(), expected]);
    let sql = "select count(*) as n from audit.events where details::text ilike '%clinic.example%'";
    let row = &crate::harness::query(&p.consent_admin, sql, vec![]).await[0];
    assert_eq!(row.try_get::<i64>("", "n").unwrap(), 0, "no event names the recipient");
    let denied = p.events(*tenant).await.into_iter().filter(|e| e.outcome == "denied").count();
    assert_eq!(denied, 3);
    assert_eq!(p.events(b.tenant).await, vec![], "nothing in the other practice's log");
}
