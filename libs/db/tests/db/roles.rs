//! The service roles themselves: no way around RLS, no reach into another service's schema.

use sea_orm::{ConnectionTrait, Statement};
use tp_db::TenantTx;
use tp_ids::Service;
use tp_testkit::db::TestDb;

use crate::probe::{ProbeMigrator, all_bodies, exec, two_tenants};

#[tokio::test]
async fn no_service_role_is_superuser_bypassrls_or_able_to_create_roles() {
    let test_db = TestDb::fresh::<ProbeMigrator>().await;
    let admin = test_db.connect_admin().await;
    for role in Service::WITH_SCHEMA.map(|s| s.db_role().unwrap()) {
        let row = admin
            .query_one_raw(Statement::from_string(
                admin.get_database_backend(),
                format!(
                    "select rolsuper, rolbypassrls, rolcreaterole, rolcreatedb from pg_roles where rolname = '{}'",
                    role
                ),
            ))
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("role {role} missing"));
        let flags: (bool, bool, bool, bool) = (
            row.try_get("", "rolsuper").unwrap(),
            row.try_get("", "rolbypassrls").unwrap(),
            row.try_get("", "rolcreaterole").unwrap(),
            row.try_get("", "rolcreatedb").unwrap(),
        );
        assert_eq!(flags, (false, false, false, false), "privileged flags on {role}");
    }
}

#[tokio::test]
async fn a_service_role_cannot_switch_rls_off() {
    let test_db = TestDb::fresh::<ProbeMigrator>().await;
    let db = test_db.connect_as(Service::Records).await;
    let (_, _, b, _) = two_tenants(&db).await;

    // Not the owner: it cannot disable or un-force the policy, nor drop it.
    for ddl in [
        "alter table records.probe disable row level security",
        "alter table records.probe no force row level security",
        "drop policy tenant_isolation on records.probe",
        "create table records.sneaky (id int)",
    ] {
        let err = exec(&db, ddl).await.expect_err(ddl);
        assert!(
            err.to_string().contains("must be owner") || err.to_string().contains("permission denied"),
            "{ddl}: {err}"
        );
    }

    // Asking PostgreSQL to skip RLS makes the query fail rather than return other rows.
    let tx = TenantTx::begin(&db, b).await.unwrap();
    exec(&*tx, "set local row_security = off").await.unwrap();
    let err = all_bodies(&*tx).await.expect_err("row_security=off must not reveal rows");
    assert!(err.to_string().contains("row-level security"), "{err}");
}

#[tokio::test]
async fn a_service_role_cannot_touch_another_services_schema() {
    let test_db = TestDb::fresh::<ProbeMigrator>().await;
    let records = test_db.connect_as(Service::Records).await;
    let (a, _, _, _) = two_tenants(&records).await;
    let scheduling = test_db.connect_as(Service::Scheduling).await;

    // Even with the right tenant set, the scheduling role has no access to records at all.
    let tx = TenantTx::begin(&scheduling, a).await.unwrap();
    let err = all_bodies(&*tx).await.expect_err("cross-schema read must be refused");
    assert!(err.to_string().contains("permission denied"), "{err}");
    drop(tx);
    for sql in [
        "insert into records.probe (id, tenant_id, body) values (gen_random_uuid(), gen_random_uuid(), 'x')",
        "delete from records.probe",
    ] {
        let err = exec(&scheduling, sql).await.expect_err(sql);
        assert!(err.to_string().contains("permission denied"), "{sql}: {err}");
    }
    // And its own schema works: the denial above is about the schema, not the role.
    let tx = TenantTx::begin(&scheduling, a).await.unwrap();
    exec(&*tx, "select count(*) from scheduling.probe").await.unwrap();
}
