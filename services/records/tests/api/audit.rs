//! Every read and write of a chart leaves exactly one audit event, written in the access's
//! own transaction; refusals are recorded as denied; when the event cannot be written the
//! access fails and returns nothing.

use reqwest::StatusCode;

use crate::harness::{Event, code, demographics, exec, spawn};

#[tokio::test]
async fn each_read_write_and_search_leaves_exactly_one_event_naming_actor_and_client() {
    // Arrange
    let p = spawn().await;
    let tenant = p.tenant().await;
    let other = p.tenant().await;
    let staff = p.person(tenant, &["staff"]).await;
    let client = p.person(tenant, &["client"]).await;

    // Act
    p.put(&staff, tenant, client.user, &demographics("Audra Logged")).await;
    p.chart(&staff, tenant, client.user).await;
    p.chart(&client, tenant, client.user).await;
    p.search(&staff, tenant, "audra logged").await;
    p.search(&staff, tenant, "nobody at all").await;

    // Assert
    let expected = vec![
        Event::new("records.demographics.updated", "success", &staff, Some(client.user)),
        Event::new("records.demographics.read", "success", &staff, Some(client.user)),
        Event::new("records.demographics.read", "success", &client, Some(client.user)),
        Event::new("records.clients.searched", "success", &staff, Some(client.user)),
        Event::new("records.clients.searched", "success", &staff, None),
    ];
    assert_eq!(p.events(tenant).await, expected);
    assert_eq!(p.events(other).await, vec![], "nothing lands in another practice's log");
}

#[tokio::test]
async fn refusals_are_recorded_as_denied_in_the_callers_practice() {
    let p = spawn().await;
    let tenant = p.tenant().await;
    let other = p.tenant().await;
    let client = p.person(tenant, &["client"]).await;
    let neighbour = p.person(tenant, &["client"]).await;
    let intruder = p.person(other, &["staff"]).await;

    p.chart(&client, tenant, neighbour.user).await;
    p.put(&client, tenant, client.user, &demographics("Self Edit")).await;
    p.chart(&intruder, tenant, client.user).await;

    assert_eq!(
        p.events(tenant).await,
        vec![
            Event::new("records.demographics.read", "denied", &client, Some(neighbour.user)),
            Event::new("records.demographics.updated", "denied", &client, Some(client.user)),
        ]
    );
    assert_eq!(
        p.events(other).await,
        vec![Event::new("records.demographics.read", "denied", &intruder, Some(client.user))],
        "a probe of another practice is logged in the prober's own practice"
    );
}

#[tokio::test]
async fn when_the_audit_log_refuses_the_event_reads_and_writes_fail_and_return_nothing() {
    // Arrange: a chart, then an audit log that refuses every new event.
    let p = spawn().await;
    let tenant = p.tenant().await;
    let staff = p.person(tenant, &["staff"]).await;
    let client = p.person(tenant, &["client"]).await;
    p.put(&staff, tenant, client.user, &demographics("Fiona Closed")).await;
    let before = p.events(tenant).await;
    exec(&p.records_admin, "alter table audit.events add constraint block check (false) not valid", vec![]).await;

    // Act
    let (read, read_body) = p.chart(&staff, tenant, client.user).await;
    let (write, write_body) = p.put(&staff, tenant, client.user, &demographics("Changed Anyway")).await;
    let (search, search_body) = p.search(&staff, tenant, "fiona closed").await;

    // Assert: errors without data, and the write did not happen.
    for (status, body) in [(read, &read_body), (write, &write_body), (search, &search_body)] {
        assert_eq!((status, code(body)), (StatusCode::INTERNAL_SERVER_ERROR, "RECORDS_INTERNAL"), "{body}");
        assert!(!body.to_string().contains("Fiona"), "{body}");
        assert!(body.get("demographics").is_none() && body.get("clients").is_none(), "{body}");
    }
    exec(&p.records_admin, "alter table audit.events drop constraint block", vec![]).await;
    assert_eq!(p.events(tenant).await, before, "no event for accesses that did not happen");
    let (_, chart) = p.chart(&staff, tenant, client.user).await;
    assert_eq!(chart["demographics"]["legal_name"], "Fiona Closed", "the refused write changed nothing");
}
