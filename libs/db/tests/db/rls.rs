//! Row-level security through `TenantTx`.

use sea_orm::{ConnectionTrait, Statement};
use tp_db::{PoolOptions, TenantTx};
use tp_ids::{Service, TenantId};
use tp_testkit::db::TestDb;

use crate::probe::{ProbeMigrator, all_bodies, exec, insert, two_tenants};

#[tokio::test]
async fn rows_of_another_tenant_are_invisible_even_to_a_query_without_a_tenant_filter() {
    // Arrange
    let test_db = TestDb::fresh::<ProbeMigrator>().await;
    let db = test_db.connect_as(Service::Records).await;
    let (a, _, b, _) = two_tenants(&db).await;

    // Act
    let seen_by_a = all_bodies(&*TenantTx::begin(&db, a).await.unwrap()).await.unwrap();
    let seen_by_b = all_bodies(&*TenantTx::begin(&db, b).await.unwrap()).await.unwrap();

    // Assert
    assert_eq!(seen_by_a, ["a-secret"]);
    assert_eq!(seen_by_b, ["b-secret"]);
}

#[tokio::test]
async fn another_tenant_cannot_update_or_delete_rows_it_cannot_see() {
    // Arrange
    let test_db = TestDb::fresh::<ProbeMigrator>().await;
    let db = test_db.connect_as(Service::Records).await;
    let (_, row_a, b, _) = two_tenants(&db).await;

    // Act: tenant B targets A's row by its id.
    let tx = TenantTx::begin(&db, b).await.unwrap();
    let updated =
        exec(&*tx, &format!("update records.probe set body = 'tampered' where id = '{row_a}'")).await.unwrap();
    let deleted = exec(&*tx, &format!("delete from records.probe where id = '{row_a}'")).await.unwrap();
    tx.commit().await.unwrap();

    // Assert: nothing happened, as the superuser (who bypasses RLS) sees.
    assert_eq!((updated, deleted), (0, 0));
    let admin = test_db.connect_admin().await;
    assert_eq!(all_bodies(&admin).await.unwrap(), ["a-secret", "b-secret"]);
}

#[tokio::test]
async fn a_tenant_cannot_write_a_row_into_another_tenant() {
    let test_db = TestDb::fresh::<ProbeMigrator>().await;
    let db = test_db.connect_as(Service::Records).await;
    let (a, row_a, b, _) = two_tenants(&db).await;

    let tx = TenantTx::begin(&db, b).await.unwrap();
    let err = insert(&tx, a, "planted").await.expect_err("insert for another tenant must be refused");
    assert!(err.to_string().contains("row-level security"), "{err}");
    drop(tx);

    // Moving one's own row to another tenant is refused as well.
    let tx = TenantTx::begin(&db, a).await.unwrap();
    let moved = exec(&*tx, &format!("update records.probe set tenant_id = '{b}' where id = '{row_a}'")).await;
    assert!(moved.is_err(), "re-tenanting a row must be refused");
}

#[tokio::test]
async fn with_no_tenant_set_no_tenant_rows_are_visible_or_writable() {
    let test_db = TestDb::fresh::<ProbeMigrator>().await;
    let db = test_db.connect_as(Service::Records).await;
    two_tenants(&db).await;

    // A plain connection, no TenantTx: the policy predicate is NULL and matches nothing.
    assert!(all_bodies(&db).await.unwrap().is_empty());
    // An empty setting (what RESET leaves behind) fails closed too, rather than erroring.
    let tx = sea_orm::TransactionTrait::begin(&db).await.unwrap();
    exec(&tx, "select set_config('app.tenant_id', '', true)").await.unwrap();
    assert!(all_bodies(&tx).await.unwrap().is_empty());
    drop(tx);
    let insert = exec(
        &db,
        &format!(
            "insert into records.probe (id, tenant_id, body) values (gen_random_uuid(), '{}', 'x')",
            TenantId::generate()
        ),
    )
    .await;
    assert!(insert.is_err(), "an insert without a tenant context must be refused");
}

#[tokio::test]
async fn the_tenant_setting_does_not_outlive_its_transaction_on_a_pooled_connection() {
    let test_db = TestDb::fresh::<ProbeMigrator>().await;
    // One connection, so the second use is the very connection the tenant transaction used.
    let db =
        tp_db::connect(&test_db.url_as(Service::Records), &PoolOptions { max_connections: 1, ..Default::default() })
            .await
            .unwrap();
    let (a, _, _, _) = two_tenants(&db).await;

    let tx = TenantTx::begin(&db, a).await.unwrap();
    assert_eq!(all_bodies(&*tx).await.unwrap(), ["a-secret"]);
    tx.commit().await.unwrap();

    assert!(all_bodies(&db).await.unwrap().is_empty(), "tenant context leaked past commit");
    let setting = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "select current_setting('app.tenant_id', true) as t",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<Option<String>>("", "t")
        .unwrap();
    assert!(setting.unwrap_or_default().is_empty());
}

#[tokio::test]
async fn a_dropped_tenant_transaction_rolls_back() {
    let test_db = TestDb::fresh::<ProbeMigrator>().await;
    let db = test_db.connect_as(Service::Records).await;
    let tenant = TenantId::generate();

    let tx = TenantTx::begin(&db, tenant).await.unwrap();
    insert(&tx, tenant, "never committed").await.unwrap();
    drop(tx);

    let tx = TenantTx::begin(&db, tenant).await.unwrap();
    assert!(all_bodies(&*tx).await.unwrap().is_empty());
}
