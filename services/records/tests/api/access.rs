//! Who may read and write which chart: roles (libs/authz), then the relationship (own chart,
//! care team); another practice answers 404; identity down refuses clinicians (503).

use reqwest::StatusCode;

use crate::harness::{code, demographics, records_on, spawn};

#[tokio::test]
async fn a_clinician_reads_and_writes_only_the_charts_of_their_care_team() {
    // Arrange
    let p = spawn().await;
    let tenant = p.tenant().await;
    let clinician = p.person(tenant, &["clinician"]).await;
    let mine = p.person(tenant, &["client"]).await;
    let theirs = p.person(tenant, &["client"]).await;
    p.assign(tenant, clinician.user, mine.user).await;

    // Act / Assert: their own client, both ways.
    let (status, body) = p.put(&clinician, tenant, mine.user, &demographics("Mina Care")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = p.chart(&clinician, tenant, mine.user).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["demographics"]["legal_name"], "Mina Care");

    // Someone else's client: refused both ways, and nothing leaks.
    let staff = p.person(tenant, &["staff"]).await;
    p.put(&staff, tenant, theirs.user, &demographics("Theo Other")).await;
    let (status, body) = p.chart(&clinician, tenant, theirs.user).await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "RECORDS_FORBIDDEN"), "{body}");
    assert!(!body.to_string().contains("Theo"));
    let (status, body) = p.put(&clinician, tenant, theirs.user, &demographics("Overwritten")).await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "RECORDS_FORBIDDEN"), "{body}");
    let (_, chart) = p.chart(&staff, tenant, theirs.user).await;
    assert_eq!(chart["demographics"]["legal_name"], "Theo Other");
}

#[tokio::test]
async fn a_client_reads_their_own_chart_only_and_never_writes() {
    let p = spawn().await;
    let tenant = p.tenant().await;
    let staff = p.person(tenant, &["staff"]).await;
    let client = p.person(tenant, &["client"]).await;
    let other = p.person(tenant, &["client"]).await;
    p.put(&staff, tenant, client.user, &demographics("Cleo Self")).await;
    p.put(&staff, tenant, other.user, &demographics("Otto Else")).await;

    let (status, body) = p.chart(&client, tenant, client.user).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["demographics"]["legal_name"], "Cleo Self");

    let (status, body) = p.chart(&client, tenant, other.user).await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "RECORDS_FORBIDDEN"), "{body}");
    assert!(!body.to_string().contains("Otto"));

    let (status, body) = p.put(&client, tenant, client.user, &demographics("Changed Myself")).await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "RECORDS_FORBIDDEN"), "{body}");
    let (_, chart) = p.chart(&staff, tenant, client.user).await;
    assert_eq!(chart["demographics"]["legal_name"], "Cleo Self");
}

#[tokio::test]
async fn another_practices_people_get_404_for_every_operation_and_see_nothing() {
    // Arrange: practice A with a chart; B's admin, staff and clinician know A's ids.
    let p = spawn().await;
    let a = p.tenant().await;
    let b = p.tenant().await;
    let a_staff = p.person(a, &["staff"]).await;
    let a_client = p.person(a, &["client"]).await;
    p.put(&a_staff, a, a_client.user, &demographics("Ava Private")).await;
    let b_people =
        [p.person(b, &["practice_admin"]).await, p.person(b, &["staff"]).await, p.person(b, &["clinician"]).await];

    for intruder in &b_people {
        // Act: every operation against A's practice, with B's token.
        let (get, get_body) = p.chart(intruder, a, a_client.user).await;
        let (put, put_body) = p.put(intruder, a, a_client.user, &demographics("Hijack")).await;
        let (search, search_body) = p.search(intruder, a, "Ava Private").await;

        // Assert
        assert_eq!((get, code(&get_body)), (StatusCode::NOT_FOUND, "RECORDS_NOT_FOUND"), "{get_body}");
        assert_eq!((put, code(&put_body)), (StatusCode::NOT_FOUND, "RECORDS_NOT_FOUND"), "{put_body}");
        assert_eq!((search, code(&search_body)), (StatusCode::NOT_FOUND, "RECORDS_NOT_FOUND"), "{search_body}");
        // Their own practice's id with A's client: no chart of A's shows up under B either.
        let (_, own) = p.chart(intruder, b, a_client.user).await;
        assert!(!own.to_string().contains("Ava"), "{own}");
    }
    let (_, chart) = p.chart(&a_staff, a, a_client.user).await;
    assert_eq!(chart["demographics"]["legal_name"], "Ava Private", "A's chart is unchanged");
}

#[tokio::test]
async fn with_identity_unreachable_clinicians_are_refused_503_and_staff_still_served() {
    // Arrange: tokens verified against the real identity; identity calls go nowhere. The
    // chart exists (written through the working instance, same database), so staff need no
    // identity call to read it.
    let p = spawn().await;
    let dead = records_on("http://127.0.0.1:9", &p.identity.address, Some(&p.records)).await;
    let tenant = p.tenant().await;
    let clinician = p.person(tenant, &["clinician"]).await;
    let staff = p.person(tenant, &["staff"]).await;
    let client = p.person(tenant, &["client"]).await;
    p.assign(tenant, clinician.user, client.user).await;
    let (status, body) = p.put(&staff, tenant, client.user, &demographics("Ida Reachable")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let path = tp_records_api::paths::chart(tenant, client.user);
    let get = |token: String| {
        let url = format!("{}{path}", dead.address);
        let http = p.http.clone();
        async move { http.get(url).bearer_auth(token).send().await.unwrap() }
    };

    // Act
    let clinician_answer = get(clinician.token.clone()).await;
    let staff_answer = get(staff.token.clone()).await;

    // Assert: never open on a failed check.
    assert_eq!(clinician_answer.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: serde_json::Value = clinician_answer.json().await.unwrap();
    assert_eq!(code(&body), "RECORDS_UNAVAILABLE");
    assert_eq!(staff_answer.status(), StatusCode::OK);
}

#[tokio::test]
async fn requests_without_a_valid_token_are_401() {
    let p = spawn().await;
    let tenant = p.tenant().await;
    let client = p.person(tenant, &["client"]).await;
    let url = format!("{}{}", p.records.address, tp_records_api::paths::chart(tenant, client.user));

    let anonymous = p.http.get(&url).send().await.unwrap();
    let forged = p.http.get(&url).bearer_auth("not.a.token").send().await.unwrap();

    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_person_who_is_not_a_client_of_the_practice_has_no_chart_here() {
    // Arrange: B's staff name A's client (and a staff member of B) under B's own practice.
    let p = spawn().await;
    let (a, b) = (p.tenant().await, p.tenant().await);
    let a_client = p.person(a, &["client"]).await;
    let b_staff = p.person(b, &["staff"]).await;
    let b_colleague = p.person(b, &["staff"]).await;

    for someone in [a_client.user, b_colleague.user] {
        // Act
        let (read, read_body) = p.chart(&b_staff, b, someone).await;
        let (write, write_body) = p.put(&b_staff, b, someone, &demographics("Not A Client")).await;

        // Assert: unknown, and nothing was opened for them.
        assert_eq!((read, code(&read_body)), (StatusCode::NOT_FOUND, "RECORDS_NOT_FOUND"), "{read_body}");
        assert_eq!((write, code(&write_body)), (StatusCode::NOT_FOUND, "RECORDS_NOT_FOUND"), "{write_body}");
    }
}
