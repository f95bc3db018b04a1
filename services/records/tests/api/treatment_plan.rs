//! The treatment plan: one current plan per client, versioned on every change, read by the
//! care team and the client, set by its clinicians; bounded input, ciphertext at rest bound
//! to the client, and the audit trail.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tp_records_api::paths;
use uuid::Uuid;

use crate::care_team::{care_team, holds};
use crate::harness::{code, exec, query};

fn plan(problem: &str, goals: usize) -> Value {
    let goal = json!({ "description": "Sleep through the night", "objective": "6 of 7 nights for 4 weeks",
                       "target_date": "2025-03-01", "status": "active" });
    json!({ "problem": problem, "goals": vec![goal; goals] })
}

#[tokio::test]
async fn a_plan_is_set_revised_and_read_by_the_client() {
    // Arrange
    let s = care_team().await;
    let path = paths::treatment_plan(s.tenant, s.client.user);
    let (status, empty) = s.call(&s.client, Method::GET, &path, None).await;
    assert_eq!((status, &empty["plan"]), (StatusCode::OK, &Value::Null));

    // Act
    let (status, first) = s.call(&s.clinician, Method::PUT, &path, Some(plan("Insomnia and worry", 1))).await;
    assert_eq!((status, first["version"].as_i64()), (StatusCode::OK, Some(1)), "{first}");
    let mut revised = plan("Insomnia and worry", 2);
    revised["goals"][0]["status"] = json!("met");
    let (status, second) = s.call(&s.clinician, Method::PUT, &path, Some(revised)).await;

    // Assert
    assert_eq!((status, second["version"].as_i64()), (StatusCode::OK, Some(2)), "{second}");
    assert_eq!(second["goals"][0]["status"], "met");
    assert_eq!(second["created_at"], first["created_at"]);
    let (status, read) = s.call(&s.client, Method::GET, &path, None).await;
    assert_eq!((status, &read["plan"]), (StatusCode::OK, &second));
    let actions = s.actions("success").await;
    assert_eq!(actions.iter().filter(|a| *a == "records.treatment_plan.set").count(), 2);
    assert_eq!(actions.iter().filter(|a| *a == "records.treatment_plan.read").count(), 2);
}

#[tokio::test]
async fn bad_plans_are_400_and_only_the_care_teams_clinicians_set_one() {
    let s = care_team().await;
    let path = paths::treatment_plan(s.tenant, s.client.user);
    let mut bad_goal = plan("Worry", 1);
    bad_goal["goals"][0]["objective"] = json!("");
    for bad in [plan(" ", 1), plan("Worry", 21), bad_goal, json!({ "problem": "Worry" })] {
        let (status, body) = s.call(&s.clinician, Method::PUT, &path, Some(bad.clone())).await;
        assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "RECORDS_INVALID_INPUT"), "{bad}: {body}");
    }
    let staff = s.person(&["staff"]).await;
    let admin = s.admin_on_team().await;
    let outsider = s.person(&["clinician"]).await;
    for who in [&staff, &admin, &outsider, &s.client] {
        let (status, body) = s.call(who, Method::PUT, &path, Some(plan("Worry", 1))).await;
        assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "RECORDS_FORBIDDEN"), "{body}");
    }
    assert_eq!(s.call(&staff, Method::GET, &path, None).await.0, StatusCode::FORBIDDEN);
    assert_eq!(s.call(&outsider, Method::GET, &path, None).await.0, StatusCode::FORBIDDEN);
    assert_eq!(s.call(&admin, Method::GET, &path, None).await.0, StatusCode::OK);
    let stranger = s.p.person(s.other, &["practice_admin"]).await;
    assert_eq!(s.call(&stranger, Method::GET, &path, None).await.0, StatusCode::NOT_FOUND);
    let rows = query(&s.p.records_admin, "select count(*) as n from records.treatment_plans", vec![]).await;
    assert_eq!(rows[0].try_get::<i64>("", "n").unwrap(), 0);
}

#[tokio::test]
async fn raw_rows_hold_no_plaintext_and_a_plan_copied_to_another_client_does_not_decrypt() {
    // Arrange: two clients of one clinician, each with a plan.
    let s = care_team().await;
    let second = s.person(&["client"]).await;
    s.p.assign(s.tenant, s.clinician.user, second.user).await;
    let (first_path, second_path) =
        (paths::treatment_plan(s.tenant, s.client.user), paths::treatment_plan(s.tenant, second.user));
    s.call(&s.clinician, Method::PUT, &first_path, Some(plan("Vexillology obsession", 1))).await;
    s.call(&s.clinician, Method::PUT, &second_path, Some(plan("Plain", 1))).await;
    for row in query(&s.p.records_admin, "select body from records.treatment_plans", vec![]).await {
        let bytes: Vec<u8> = row.try_get("", "body").unwrap();
        for needle in ["Vexillology", "Sleep through", "6 of 7", "2025-03-01"] {
            assert!(!holds(&bytes, needle), "{needle} in plaintext");
        }
    }

    // Act
    let sql = "update records.treatment_plans b set body = a.body from records.treatment_plans a \
               where a.client_id = $1 and b.client_id = $2";
    exec(&s.p.records_admin, sql, vec![Uuid::from(s.client.user).into(), Uuid::from(second.user).into()]).await;
    let (status, body) = s.call(&s.clinician, Method::GET, &second_path, None).await;

    // Assert
    assert_eq!((status, code(&body)), (StatusCode::INTERNAL_SERVER_ERROR, "RECORDS_INTERNAL"), "{body}");
    assert!(!body.to_string().contains("Vexillology"));
    assert!(s.p.events(s.other).await.is_empty());
}
