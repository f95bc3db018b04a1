//! `record`: same transaction, same tenant, and the audit service alone reads.

use sea_orm::{ConnectionTrait, Statement};
use tp_audit_log::{Actor, AuditEvent, Outcome, action, record};
use tp_db::TenantTx;
use tp_ids::{Service, TenantId};

use crate::fixture::{count, exec, fresh_db, refused, sign_in};

#[tokio::test]
async fn an_event_written_in_its_tenants_transaction_is_stored_with_every_column() {
    // Arrange
    let test_db = fresh_db().await;
    let db = test_db.connect_as(Service::Identity).await;
    let tenant = TenantId::generate();
    let event = sign_in(tenant);
    // Act
    let tx = TenantTx::begin(&db, tenant).await.unwrap();
    record(&*tx, &event).await.unwrap();
    tx.commit().await.unwrap();
    // Assert
    let admin = test_db.connect_admin().await;
    let row = admin
        .query_one_raw(Statement::from_string(
            admin.get_database_backend(),
            "select service, action, outcome, actor_kind, subject_kind, details->>'method' as method, \
             tenant_id::text as tenant from audit.events",
        ))
        .await
        .unwrap()
        .unwrap();
    let column = |name: &str| row.try_get::<String>("", name).unwrap();
    assert_eq!(column("service"), "identity");
    assert_eq!(column("action"), "identity.sign_in.succeeded");
    assert_eq!(column("outcome"), "success");
    assert_eq!(column("actor_kind"), "user");
    assert_eq!(column("subject_kind"), "session");
    assert_eq!(column("method"), "password");
    assert_eq!(column("tenant"), tenant.to_string());
}

#[tokio::test]
async fn an_event_of_another_tenant_is_refused_inside_a_tenant_transaction() {
    let test_db = fresh_db().await;
    let db = test_db.connect_as(Service::Identity).await;
    let (a, b) = (TenantId::generate(), TenantId::generate());
    let tx = TenantTx::begin(&db, a).await.unwrap();
    let message = refused(record(&*tx, &sign_in(b)).await, "tenant B's event in tenant A's transaction");
    assert!(message.contains("row-level security"), "{message}");
    drop(tx);
    assert_eq!(count(&test_db.connect_admin().await, Some(b)).await, 0);
}

#[tokio::test]
async fn platform_events_need_a_transaction_without_tenant_and_tenant_events_need_one() {
    let test_db = fresh_db().await;
    let db = test_db.connect_as(Service::Identity).await;
    let tenant = TenantId::generate();
    let platform = AuditEvent::new(action::identity::SIGN_IN_FAILED, Outcome::Failure, Actor::Anonymous)
        .detail("reason", "unknown_account");
    // Outside any tenant: platform events only.
    record(&db, &platform).await.unwrap();
    let message = refused(record(&db, &sign_in(tenant)).await, "a tenant event without the tenant's transaction");
    assert!(message.contains("row-level security"), "{message}");
    // Inside a tenant's transaction: that tenant's events only.
    let tx = TenantTx::begin(&db, tenant).await.unwrap();
    let message = refused(record(&*tx, &platform).await, "a platform event inside a tenant's transaction");
    assert!(message.contains("row-level security"), "{message}");
    let admin = test_db.connect_admin().await;
    assert_eq!((count(&admin, None).await, count(&admin, Some(tenant)).await), (1, 0));
}

#[tokio::test]
async fn a_rolled_back_transaction_leaves_no_event() {
    let test_db = fresh_db().await;
    let db = test_db.connect_as(Service::Identity).await;
    let tenant = TenantId::generate();
    let tx = TenantTx::begin(&db, tenant).await.unwrap();
    record(&*tx, &sign_in(tenant)).await.unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(count(&test_db.connect_admin().await, Some(tenant)).await, 0);
}

#[tokio::test]
async fn a_writing_service_cannot_read_events_and_the_audit_service_reads_only_its_tenant() {
    // Arrange: one event each for tenants A and B.
    let test_db = fresh_db().await;
    let identity = test_db.connect_as(Service::Identity).await;
    let (a, b) = (TenantId::generate(), TenantId::generate());
    for tenant in [a, b] {
        let tx = TenantTx::begin(&identity, tenant).await.unwrap();
        record(&*tx, &sign_in(tenant)).await.unwrap();
        tx.commit().await.unwrap();
    }
    // Act + Assert: identity may not even look.
    let tx = TenantTx::begin(&identity, a).await.unwrap();
    let message = refused(exec(&*tx, "select * from audit.events").await, "identity reading the log");
    assert!(message.contains("permission denied"), "{message}");
    drop(tx);
    // The audit service sees tenant A's event and not B's.
    let audit = test_db.connect_as(Service::Audit).await;
    let tx = TenantTx::begin(&audit, a).await.unwrap();
    let rows = tx
        .query_all_raw(Statement::from_string(
            tx.get_database_backend(),
            "select tenant_id::text as t from audit.events",
        ))
        .await
        .unwrap();
    let tenants: Vec<String> = rows.iter().map(|row| row.try_get("", "t").unwrap()).collect();
    assert_eq!(tenants, vec![a.to_string()]);
}
