//! Tamper evidence: the database superuser alters, deletes, inserts and reorders events,
//! seals and checkpoints (disabling the append-only triggers first), and verification
//! reports each, by position and event id. The other practice's chain stays intact.

use tp_ids::TenantId;
use uuid::Uuid;

use crate::harness::{self, Table, TestAudit, assert_intact, problems};

/// A sealed chain of five events for A and three for B.
async fn sealed_world() -> (TestAudit, TenantId, TenantId, Vec<Uuid>) {
    let mut app = harness::spawn().await;
    let (a, b) = (TenantId::generate(), TenantId::generate());
    let events = app.write_events(Some(a), 5).await;
    app.write_events(Some(b), 3).await;
    app.seal().await;
    assert_intact(&app.verify_as_admin(a).await, 5);
    (app, a, b, events)
}

fn one(kind: &str, seq: Option<i64>, event: Option<Uuid>) -> Vec<(String, Option<i64>, Option<String>)> {
    vec![(kind.to_owned(), seq, event.map(|e| e.to_string()))]
}

#[tokio::test]
async fn an_altered_event_is_reported_as_altered_at_its_position() {
    let (app, a, b, events) = sealed_world().await;

    let sql = "update audit.events set outcome = 'success' where id = $1";
    app.tamper(Table::Events, sql, vec![events[2].into()]).await;

    let report = app.verify_as_admin(a).await;
    assert_eq!(report["intact"], false);
    assert_eq!(problems(&report), one("altered", Some(3), Some(events[2])));
    assert_intact(&app.verify_as_admin(b).await, 3);
}

#[tokio::test]
async fn a_deleted_event_is_reported_as_deleted_at_its_position() {
    let (app, a, b, events) = sealed_world().await;

    app.tamper(Table::Events, "delete from audit.events where id = $1", vec![events[1].into()]).await;

    let report = app.verify_as_admin(a).await;
    assert_eq!(problems(&report), one("deleted", Some(2), Some(events[1])));
    assert_intact(&app.verify_as_admin(b).await, 3);
}

#[tokio::test]
async fn a_backdated_insert_is_reported_as_inserted_and_never_sealed() {
    let (mut app, a, b, _) = sealed_world().await;
    let forged = Uuid::now_v7();
    let sql = "insert into audit.events (id, tenant_id, occurred_at, service, action, outcome, actor_kind) \
               values ($1, $2, now() - interval '1 hour', 'identity', 'identity.sign_in.succeeded', 'success', 'anonymous')";

    app.tamper(Table::Events, sql, vec![forged.into(), Uuid::from(a).into()]).await;
    app.seal().await;

    let report = app.verify_as_admin(a).await;
    assert_eq!(problems(&report), one("inserted", None, Some(forged)));
    assert_eq!(report["sealed"], 5, "the sealer must not adopt it: {report}");
    assert_intact(&app.verify_as_admin(b).await, 3);
}

#[tokio::test]
async fn swapped_seals_are_reported_as_reordered() {
    let (app, a, b, events) = sealed_world().await;

    // Positions 2 and 3 trade places (through a free number: seq is unique).
    for (from, to) in [(2, 100), (3, 2), (100, 3)] {
        let sql = "update audit.seals set seq = $2 where tenant_id = $1 and seq = $3";
        app.tamper(Table::Seals, sql, vec![Uuid::from(a).into(), to.into(), from.into()]).await;
    }

    let report = app.verify_as_admin(a).await;
    let found = problems(&report);
    assert!(found.iter().all(|(kind, _, _)| kind == "reordered"), "{report}");
    assert_eq!(found.first(), Some(&("reordered".to_owned(), Some(2), Some(events[2].to_string()))), "{report}");
    assert_intact(&app.verify_as_admin(b).await, 3);
}

#[tokio::test]
async fn rewriting_event_times_to_reorder_them_is_reported_as_altered() {
    let (app, a, _, events) = sealed_world().await;

    // The second event now appears after the fourth in the log's time order.
    let sql = "update audit.events set occurred_at = occurred_at + interval '1 second' where id = $1";
    app.tamper(Table::Events, sql, vec![events[1].into()]).await;

    let report = app.verify_as_admin(a).await;
    assert_eq!(problems(&report), one("altered", Some(2), Some(events[1])));
}

#[tokio::test]
async fn a_forged_or_moved_checkpoint_is_reported() {
    let (mut app, a, b, _) = sealed_world().await;
    app.write_events(Some(a), 1).await;
    app.seal().await;

    // The head at 6 gets the signature of the head at 5: valid, but for another message.
    let sql = "update audit.checkpoints set signature = \
               (select signature from audit.checkpoints where tenant_id = $1 and seq = 5) \
               where tenant_id = $1 and seq = 6";
    app.tamper(Table::Checkpoints, sql, vec![Uuid::from(a).into()]).await;

    let report = app.verify_as_admin(a).await;
    assert_eq!(problems(&report), one("checkpoint", Some(6), None));
    assert_intact(&app.verify_as_admin(b).await, 3);
}

#[tokio::test]
async fn a_rewrite_that_recomputes_the_seals_is_caught_by_the_signed_head() {
    let (app, a, b, events) = sealed_world().await;

    // Alter the last event and recompute its seal with the service's own hash function: the
    // links are consistent again, but the signed head no longer is.
    app.tamper(Table::Events, "update audit.events set outcome = 'success' where id = $1", vec![events[4].into()])
        .await;
    let rows = app.query("select prev_hash from audit.seals where event_id = $1", vec![events[4].into()]).await;
    let prev: [u8; 32] = rows[0].try_get::<Vec<u8>>("", "prev_hash").unwrap().try_into().unwrap();
    let hash = tp_audit::domain::chain::link_hash(&prev, &app.sealed_event(events[4]).await);
    let sql = "update audit.seals set hash = $2 where tenant_id = $1 and seq = 5";
    app.tamper(Table::Seals, sql, vec![Uuid::from(a).into(), hash.to_vec().into()]).await;

    let report = app.verify_as_admin(a).await;
    assert_eq!(problems(&report), one("checkpoint", Some(5), None));
    assert_intact(&app.verify_as_admin(b).await, 3);
}
