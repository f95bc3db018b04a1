//! Amendment requests (right to amend): the client asks about their own chart, the care
//! team (admins only when on it) sees and decides with a reason, the client sees the
//! decision; who may do what, bad input, ciphertext at rest and the audit trail.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tp_records_api::paths;
use uuid::Uuid;

use crate::care_team::{CareTeam, care_team, holds};
use crate::harness::{code, exec, query};

fn request(text: &str) -> Value {
    json!({ "what_is_wrong": text, "should_say": "I started in March, not May", "item": "note of 3 May" })
}

fn decline(reason: &str) -> Value {
    json!({ "decision": "declined", "reason": reason })
}

impl CareTeam {
    fn requests(&self) -> String {
        paths::amendment_requests(self.tenant, self.client.user)
    }

    async fn ask(&self, text: &str) -> Uuid {
        let (status, body) = self.call(&self.client, Method::POST, &self.requests(), Some(request(text))).await;
        assert_eq!((status, body["status"].as_str()), (StatusCode::CREATED, Some("pending")), "{body}");
        body["id"].as_str().unwrap().parse().unwrap()
    }

    fn review(&self, id: Uuid) -> String {
        paths::amendment_review(self.tenant, self.client.user, id)
    }
}

#[tokio::test]
async fn a_client_requests_an_amendment_an_admin_on_the_team_declines_and_the_client_sees_why() {
    // Arrange
    let s = care_team().await;
    let admin = s.admin_on_team().await;
    let id = s.ask("The start date of my treatment is wrong").await;

    // Act
    let (status, pending) = s.call(&admin, Method::GET, &s.requests(), None).await;
    assert_eq!((status, pending["requests"][0]["status"].as_str()), (StatusCode::OK, Some("pending")), "{pending}");
    let (status, decided) = s.call(&admin, Method::POST, &s.review(id), Some(decline("The record is accurate"))).await;

    // Assert
    assert_eq!(status, StatusCode::OK, "{decided}");
    assert_eq!(decided["reviewed_by"], admin.user.to_string());
    let (status, mine) = s.call(&s.client, Method::GET, &s.requests(), None).await;
    assert_eq!(status, StatusCode::OK);
    let seen = &mine["requests"][0];
    assert_eq!((seen["status"].as_str(), seen["reason"].as_str()), (Some("declined"), Some("The record is accurate")));
    assert_eq!(seen["requested_by"], s.client.user.to_string());
    assert_eq!(seen["item"], "note of 3 May");
    // Decided once: a second review is a conflict.
    let accept = json!({ "decision": "accepted", "reason": "On second thought" });
    let (status, body) = s.call(&s.clinician, Method::POST, &s.review(id), Some(accept)).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "RECORDS_CONFLICT"));
    let actions = s.actions("success").await;
    for action in
        ["records.amendment_request.created", "records.amendment_request.read", "records.amendment_request.reviewed"]
    {
        assert!(actions.iter().any(|a| a == action), "{action} missing in {actions:?}");
    }
}

#[tokio::test]
async fn only_the_client_requests_and_only_the_care_team_sees_and_reviews() {
    // Arrange
    let s = care_team().await;
    let id = s.ask("Wrong date").await;
    let staff = s.person(&["staff"]).await;
    let admin_off_team = s.person(&["practice_admin"]).await;
    let outsider = s.person(&["clinician"]).await;
    let another_client = s.person(&["client"]).await;
    let stranger = s.p.person(s.other, &["practice_admin"]).await;

    // A clinician of the team who is also a client of the practice: their client role is for
    // their own chart, never another's.
    let clinician_and_client = s.person(&["clinician", "client"]).await;
    s.p.assign(s.tenant, clinician_and_client.user, s.client.user).await;

    // Assert: nobody asks on the client's behalf, not even their clinician.
    for who in [&s.clinician, &staff, &another_client, &clinician_and_client] {
        let (status, body) = s.call(who, Method::POST, &s.requests(), Some(request("x"))).await;
        assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "RECORDS_FORBIDDEN"), "{body}");
    }
    // The client does not decide their own request.
    assert_eq!(s.call(&s.client, Method::POST, &s.review(id), Some(decline("x"))).await.0, StatusCode::FORBIDDEN);
    // Staff, an admin off the team, a clinician off the team, another client: no list, no review.
    for who in [&staff, &admin_off_team, &outsider, &another_client] {
        assert_eq!(s.call(who, Method::GET, &s.requests(), None).await.0, StatusCode::FORBIDDEN);
        assert_eq!(s.call(who, Method::POST, &s.review(id), Some(decline("x"))).await.0, StatusCode::FORBIDDEN);
    }
    assert_eq!(s.call(&stranger, Method::GET, &s.requests(), None).await.0, StatusCode::NOT_FOUND);
    // An unknown request: not found; the clinician of the team lists it.
    let unknown = s.review(Uuid::now_v7());
    assert_eq!(s.call(&s.clinician, Method::POST, &unknown, Some(decline("x"))).await.0, StatusCode::NOT_FOUND);
    let (status, list) = s.call(&s.clinician, Method::GET, &s.requests(), None).await;
    assert_eq!((status, list["requests"][0]["status"].as_str()), (StatusCode::OK, Some("pending")));
}

#[tokio::test]
async fn empty_requests_and_reviews_without_a_reason_are_400() {
    let s = care_team().await;
    let id = s.ask("Wrong date").await;
    for bad in [request(" "), json!({ "what_is_wrong": "x", "should_say": "" }), json!({ "nonsense": 1 })] {
        let (status, body) = s.call(&s.client, Method::POST, &s.requests(), Some(bad.clone())).await;
        assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "RECORDS_INVALID_INPUT"), "{bad}: {body}");
    }
    for bad in [decline(""), json!({ "decision": "maybe", "reason": "x" })] {
        let (status, body) = s.call(&s.clinician, Method::POST, &s.review(id), Some(bad.clone())).await;
        assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "RECORDS_INVALID_INPUT"), "{bad}: {body}");
    }
    let (_, list) = s.call(&s.client, Method::GET, &s.requests(), None).await;
    assert_eq!(list["requests"].as_array().unwrap().len(), 1);
    assert_eq!(list["requests"][0]["status"], "pending");
}

#[tokio::test]
async fn raw_rows_hold_no_plaintext_and_a_copied_request_does_not_decrypt() {
    // Arrange: a decided request, and a second one.
    let s = care_team().await;
    let first = s.ask("Xanthippe is not my sister").await;
    s.call(&s.clinician, Method::POST, &s.review(first), Some(decline("Zephyrine confirmed it"))).await;
    let second = s.ask("Plain").await;
    for row in query(&s.p.records_admin, "select body, reason from records.amendment_requests", vec![]).await {
        let body: Vec<u8> = row.try_get("", "body").unwrap();
        let reason: Option<Vec<u8>> = row.try_get("", "reason").unwrap();
        for needle in ["Xanthippe", "March", "note of 3 May", "Zephyrine"] {
            assert!(!holds(&body, needle) && !reason.as_deref().is_some_and(|r| holds(r, needle)), "{needle}");
        }
    }

    // Act: the second request's body replaced by the first's.
    let sql = "update records.amendment_requests b set body = a.body from records.amendment_requests a \
               where a.id = $1 and b.id = $2";
    exec(&s.p.records_admin, sql, vec![first.into(), second.into()]).await;
    let (status, body) = s.call(&s.client, Method::GET, &s.requests(), None).await;

    // Assert
    assert_eq!((status, code(&body)), (StatusCode::INTERNAL_SERVER_ERROR, "RECORDS_INTERNAL"), "{body}");
    assert!(!body.to_string().contains("Xanthippe"));
    assert!(s.p.events(s.other).await.is_empty());
}
