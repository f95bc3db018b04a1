//! Who reaches which appointment: the practice's admins and staff every one, a clinician
//! their own schedule, a client their own appointments; another practice nothing (404), and
//! the rows themselves confined to their practice by RLS. Refusals are audited.

use reqwest::{Method, StatusCode};
use sea_orm::ConnectionTrait as _;
use serde_json::Value;
use tp_db::TenantTx;
use tp_scheduling_api::paths;
use uuid::Uuid;

use crate::booking::urlencode;
use crate::harness::{Person, Platform, code, hour, slot, spawn};

async fn listed(p: &Platform, who: &Person, tenant: tp_ids::TenantId, filter: &str) -> (StatusCode, Vec<Uuid>) {
    let path = format!(
        "{}?from={}&to={}{filter}",
        paths::appointments(tenant),
        urlencode(&hour(0).to_rfc3339()),
        urlencode(&hour(24 * 30).to_rfc3339())
    );
    let (status, body) = p.call(who, Method::GET, &path, None).await;
    let ids = body["appointments"]
        .as_array()
        .map(|list| list.iter().map(|a: &Value| a["id"].as_str().unwrap().parse().unwrap()).collect())
        .unwrap_or_default();
    (status, ids)
}

#[tokio::test]
async fn each_role_reaches_its_own_appointments_and_another_practice_none() {
    // Arrange: two clinicians, two clients, three appointments; a second practice.
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;
    let colleague = p.person(a.tenant, &["clinician"]).await;
    let mine = p.booked(&a.staff, a.tenant, slot(&a.client, &a.clinician, (hour(24), hour(25)), "in_person")).await;
    let theirs =
        p.booked(&a.staff, a.tenant, slot(&a.other_client, &colleague, (hour(26), hour(27)), "in_person")).await;
    let later = p.booked(&a.staff, a.tenant, slot(&a.client, &colleague, (hour(28), hour(29)), "telehealth")).await;

    // Act / Assert: lists, earliest first.
    assert_eq!(listed(&p, &a.staff, a.tenant, "").await, (StatusCode::OK, vec![mine, theirs, later]));
    assert_eq!(listed(&p, &a.admin, a.tenant, "").await.1, vec![mine, theirs, later]);
    assert_eq!(listed(&p, &a.clinician, a.tenant, "").await.1, vec![mine]);
    assert_eq!(listed(&p, &colleague, a.tenant, "").await.1, vec![theirs, later]);
    assert_eq!(listed(&p, &a.client, a.tenant, "").await.1, vec![mine, later]);
    // A filter narrows, never widens.
    let other = format!("&client_id={}", a.other_client.user);
    assert_eq!(listed(&p, &a.client, a.tenant, &other).await.1, Vec::<Uuid>::new());
    assert_eq!(listed(&p, &a.staff, a.tenant, &other).await.1, vec![theirs]);
    let by = format!("&clinician_id={}", colleague.user);
    assert_eq!(listed(&p, &a.client, a.tenant, &by).await.1, vec![later]);
    // Another practice: 404 for the list and for each appointment, nothing cancelled.
    assert_eq!(listed(&p, &b.admin, a.tenant, "").await.0, StatusCode::NOT_FOUND);
    assert_eq!(listed(&p, &b.admin, b.tenant, "").await.1, Vec::<Uuid>::new());
    for path in [paths::appointment(a.tenant, mine), paths::appointment(b.tenant, mine)] {
        let (status, _) = p.call(&b.admin, Method::GET, &path, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let (status, _) = p.call(&b.admin, Method::POST, &paths::cancellation(b.tenant, mine), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // One appointment: as for lists; someone else's is 404, audited as denied.
    let (status, one) = p.call(&a.client, Method::GET, &paths::appointment(a.tenant, mine), None).await;
    assert_eq!((status, one["id"].as_str()), (StatusCode::OK, Some(mine.to_string().as_str())));
    let (status, body) = p.call(&a.client, Method::GET, &paths::appointment(a.tenant, theirs), None).await;
    assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "SCHEDULING_NOT_FOUND"));
    let (status, _) = p.call(&a.clinician, Method::POST, &paths::cancellation(a.tenant, theirs), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let denied: Vec<_> = p.events(a.tenant).await.into_iter().filter(|(_, outcome, _)| outcome == "denied").collect();
    assert_eq!(denied.len(), 2, "{denied:?}");
}

#[tokio::test]
async fn a_clinician_books_their_own_schedule_and_a_client_for_themself_only() {
    let p = spawn().await;
    let a = p.practice().await;
    let colleague = p.person(a.tenant, &["clinician"]).await;

    // A clinician: their own slot yes, a colleague's no.
    p.booked(&a.clinician, a.tenant, slot(&a.client, &a.clinician, (hour(24), hour(25)), "telehealth")).await;
    let (status, body) =
        p.book(&a.clinician, a.tenant, slot(&a.client, &colleague, (hour(26), hour(27)), "telehealth")).await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "SCHEDULING_FORBIDDEN"));
    // A client: for themself yes, for another client no.
    p.booked(&a.client, a.tenant, slot(&a.client, &colleague, (hour(26), hour(27)), "in_person")).await;
    let (status, _) =
        p.book(&a.client, a.tenant, slot(&a.other_client, &colleague, (hour(28), hour(29)), "in_person")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A client cannot cancel someone else's appointment, but can cancel their own.
    let others =
        p.booked(&a.staff, a.tenant, slot(&a.other_client, &a.clinician, (hour(30), hour(31)), "in_person")).await;
    let (status, _) = p.call(&a.client, Method::POST, &paths::cancellation(a.tenant, others), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = p.call(&a.other_client, Method::POST, &paths::cancellation(a.tenant, others), None).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn rows_are_confined_to_their_practice_by_row_level_security() {
    let p = spawn().await;
    let a = p.practice().await;
    let b = p.practice().await;
    p.booked(&a.staff, a.tenant, slot(&a.client, &a.clinician, (hour(24), hour(25)), "in_person")).await;

    // scheduling's own role, in practice B's transaction and with no practice at all, sees none.
    let tx = TenantTx::begin(&p.role, b.tenant).await.unwrap();
    let rows = tx.query_all_raw(stmt("select id from scheduling.appointments")).await.unwrap();
    assert!(rows.is_empty());
    tx.rollback().await.unwrap();
    let rows = crate::harness::query(&p.role, "select id from scheduling.appointments", vec![]).await;
    assert!(rows.is_empty());
    // The role can never delete a row.
    let deleted = crate::consent_harness::exec(&p.role, "delete from scheduling.appointments", vec![]).await;
    assert!(deleted.is_err());
}

fn stmt(sql: &str) -> sea_orm::Statement {
    sea_orm::Statement::from_string(sea_orm::DbBackend::Postgres, sql)
}
