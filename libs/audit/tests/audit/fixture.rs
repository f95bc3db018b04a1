//! A service-like template (identity's schema only; testkit adds the audit log) and
//! helpers to read the log past RLS as the superuser.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Statement};
use sea_orm_migration::{MigrationTrait, MigratorTrait};
use tp_audit_log::{Actor, AuditEvent, Outcome, Subject, action};
use tp_db::migration::CreateServiceSchema;
use tp_ids::{RequestId, Service, TenantId, UserId};
use tp_testkit::db::TestDb;

/// Stands in for a service's migrator that knows nothing about the audit log.
pub struct IdentityLike;

impl MigratorTrait for IdentityLike {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(CreateServiceSchema(Service::Identity))]
    }
    fn migration_table_name() -> sea_orm::DynIden {
        sea_orm::sea_query::Alias::new("identity_like_migrations").into()
    }
}

pub async fn fresh_db() -> TestDb {
    TestDb::fresh::<IdentityLike>().await
}

pub fn sign_in(tenant: TenantId) -> AuditEvent {
    AuditEvent::new(action::identity::SIGN_IN_SUCCEEDED, Outcome::Success, Actor::User(UserId::generate()))
        .tenant(tenant)
        .subject(Subject::new("session", tp_ids::SessionId::generate()))
        .request_id(RequestId::generate())
        .detail("method", "password")
}

pub async fn exec(db: &impl ConnectionTrait, sql: &str) -> Result<u64, DbErr> {
    db.execute_raw(Statement::from_string(db.get_database_backend(), sql.to_owned())).await.map(|r| r.rows_affected())
}

/// Events of `tenant` (`None`: platform events), read as the superuser.
pub async fn count(admin: &DatabaseConnection, tenant: Option<TenantId>) -> i64 {
    let row = admin
        .query_one_raw(Statement::from_sql_and_values(
            admin.get_database_backend(),
            "select count(*) as n from audit.events where tenant_id is not distinct from $1",
            [tenant.map(uuid::Uuid::from).into()],
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get("", "n").unwrap()
}

/// The database error's message, or a panic if `result` succeeded.
pub fn refused<T: std::fmt::Debug, E: std::error::Error>(result: Result<T, E>, what: &str) -> String {
    let err = result.expect_err(what);
    tp_errors::error_chain(&err)
}
