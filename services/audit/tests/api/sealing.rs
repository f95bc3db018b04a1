//! The sealer: chains per tenant and for the platform, signed heads, order, isolation, and
//! the append-only rules of its own tables.

use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
use tp_ids::TenantId;
use uuid::Uuid;

use crate::harness::{self, assert_intact};

#[tokio::test]
async fn sealing_builds_one_chain_per_tenant_with_a_signed_head_and_verifies_intact() {
    // Arrange
    let mut app = harness::spawn().await;
    let (a, b) = (TenantId::generate(), TenantId::generate());
    let events_a = app.write_events(Some(a), 3).await;
    app.write_events(Some(b), 2).await;
    app.write_events(None, 1).await;

    // Act
    assert_eq!(app.seal().await, 6);

    // Assert: A's seals follow event order, each linked to the one before.
    let rows = app
        .query(
            "select seq, event_id, prev_hash, hash from audit.seals where tenant_id = $1 order by seq",
            vec![Uuid::from(a).into()],
        )
        .await;
    let sealed: Vec<Uuid> = rows.iter().map(|r| r.try_get("", "event_id").unwrap()).collect();
    assert_eq!(sealed, events_a);
    let first_prev: Vec<u8> = rows[0].try_get("", "prev_hash").unwrap();
    assert_eq!(first_prev, vec![0u8; 32]);
    let second_prev: Vec<u8> = rows[1].try_get("", "prev_hash").unwrap();
    let first_hash: Vec<u8> = rows[0].try_get("", "hash").unwrap();
    assert_eq!(second_prev, first_hash);
    let sql = "select count(*) as count from audit.checkpoints where tenant_id = $1 and seq = 3";
    assert_eq!(app.count(sql, vec![Uuid::from(a).into()]).await, 1);

    let report = app.verify_as_admin(a).await;
    assert_intact(&report, 3);
    assert_eq!(report["checkpoint_seq"], 3);
    assert_intact(&app.verify_as_admin(b).await, 2);
    let operator = app.operator_token().await;
    let (status, platform) = app.verify(None, Some(&operator)).await;
    assert_eq!(status, 200, "{platform}");
    assert_intact(&platform, 1);
    // An operator may verify any practice's chain (what telehealthctl does).
    let (status, report) = app.verify(Some(a), Some(&operator)).await;
    assert_eq!((status, report["sealed"].as_i64()), (200, Some(3)), "{report}");
}

#[tokio::test]
async fn a_second_pass_extends_the_chain_and_seals_nothing_twice() {
    let mut app = harness::spawn().await;
    let a = TenantId::generate();
    app.write_events(Some(a), 2).await;
    app.seal().await;
    assert_eq!(app.seal().await, 0, "nothing new: nothing sealed, no new checkpoint");
    app.write_events(Some(a), 2).await;

    assert_eq!(app.seal().await, 2);

    let report = app.verify_as_admin(a).await;
    assert_intact(&report, 4);
    assert_eq!(report["checkpoint_seq"], 4);
    let sql = "select count(*) as count from audit.checkpoints where tenant_id = $1";
    assert_eq!(app.count(sql, vec![Uuid::from(a).into()]).await, 2);
}

#[tokio::test]
async fn a_late_commit_within_the_window_is_sealed_and_reported_pending_until_then() {
    // Arrange: a sealed chain, then an event whose transaction began a minute ago.
    let mut app = harness::spawn().await;
    let a = TenantId::generate();
    app.write_events(Some(a), 2).await;
    app.seal().await;
    let late = Uuid::now_v7();
    let sql = "insert into audit.events (id, tenant_id, occurred_at, service, action, outcome, actor_kind) \
               values ($1, $2, now() - interval '1 minute', 'identity', 'identity.sign_in.failed', 'failure', 'anonymous')";
    app.tamper(harness::Table::Events, sql, vec![late.into(), Uuid::from(a).into()]).await;
    let report = app.verify_as_admin(a).await;
    assert_intact(&report, 2);
    assert_eq!(report["pending"], 1, "{report}");

    // Act
    assert_eq!(app.seal().await, 1);

    // Assert
    let report = app.verify_as_admin(a).await;
    assert_intact(&report, 3);
    assert_eq!(report["pending"], 0, "{report}");
}

#[tokio::test]
async fn the_audit_role_sees_one_chain_at_a_time_and_cannot_change_seals_or_checkpoints() {
    let mut app = harness::spawn().await;
    let (a, b) = (TenantId::generate(), TenantId::generate());
    app.write_events(Some(a), 2).await;
    app.write_events(Some(b), 3).await;
    app.write_events(None, 1).await;
    app.seal().await;

    let count_as_audit = |tenant: Option<TenantId>, table: &'static str| {
        let db = app.audit_role.clone();
        async move {
            let tx = db.begin().await.unwrap();
            let tenant = tenant.map(|t| t.to_string()).unwrap_or_default();
            let set = "select set_config('app.tenant_id', $1, true)";
            tx.execute_raw(Statement::from_sql_and_values(DbBackend::Postgres, set, [tenant.into()])).await.unwrap();
            let sql = format!("select count(*) as count from audit.{table}");
            let row = tx.query_one_raw(Statement::from_string(DbBackend::Postgres, sql)).await.unwrap().unwrap();
            row.try_get::<i64>("", "count").unwrap()
        }
    };
    for table in ["seals", "events"] {
        assert_eq!(count_as_audit(Some(a), table).await, 2, "{table} of A");
        assert_eq!(count_as_audit(Some(b), table).await, 3, "{table} of B");
        assert_eq!(count_as_audit(None, table).await, 1, "platform {table}");
    }
    assert_eq!(count_as_audit(Some(a), "checkpoints").await, 1);

    for sql in ["update audit.seals set seq = seq", "delete from audit.checkpoints", "delete from audit.seals"] {
        let result = app.audit_role.execute_unprepared(sql).await;
        assert!(result.is_err(), "{sql} must be refused");
    }
    // Not even the superuser changes them without disabling the trigger first.
    let result = app.admin.execute_unprepared("update audit.seals set seq = seq").await;
    assert!(result.is_err(), "the append-only trigger binds the superuser too");
}
