//! Nobody changes or removes an event: not the writing service, not the audit service, not
//! the owner (the migrator), not a superuser.

use tp_audit_log::record;
use tp_db::{PoolOptions, TenantTx};
use tp_ids::{Service, TenantId};

use crate::fixture::{count, exec, fresh_db, refused, sign_in};

const CHANGES: [&str; 3] =
    ["update audit.events set outcome = 'failure'", "delete from audit.events", "truncate audit.events"];

#[tokio::test]
async fn update_delete_and_truncate_are_refused_for_every_role_including_owner_and_superuser() {
    // Arrange
    let test_db = fresh_db().await;
    let identity = test_db.connect_as(Service::Identity).await;
    let tenant = TenantId::generate();
    let tx = TenantTx::begin(&identity, tenant).await.unwrap();
    record(&*tx, &sign_in(tenant)).await.unwrap();
    tx.commit().await.unwrap();
    let owner = tp_db::connect(&test_db.migrator_url(), &PoolOptions::default()).await.unwrap();
    let admin = test_db.connect_admin().await;
    let connections = [
        ("identity", identity, "permission denied"),
        ("audit", test_db.connect_as(Service::Audit).await, "permission denied"),
        ("owner", owner, "append-only"),
        ("superuser", test_db.connect_admin().await, "append-only"),
    ];
    // Act + Assert
    for (who, db, expected) in &connections {
        for sql in CHANGES {
            let message = refused(exec(db, sql).await, &format!("{who}: {sql}"));
            assert!(message.contains(expected), "{who}: {sql}: {message}");
        }
    }
    assert_eq!(count(&admin, Some(tenant)).await, 1);
}

#[tokio::test]
async fn a_change_matching_no_row_is_refused_too() {
    let test_db = fresh_db().await;
    let admin = test_db.connect_admin().await;
    let message = refused(exec(&admin, "delete from audit.events where false").await, "an empty delete");
    assert!(message.contains("append-only"), "{message}");
}
