//! A migrator with two service schemas and one tenant-owned table in each, built only from
//! the `tp_db::migration` helpers that real service migrations use.

use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use sea_orm_migration::async_trait::async_trait;
use sea_orm_migration::{DbErr, MigrationName, MigrationTrait, MigratorTrait, SchemaManager};
use tp_db::TenantTx;
use tp_db::migration::{add_updated_at_trigger, create_service_schema, enable_tenant_rls};
use tp_ids::{Service, TenantId};
use uuid::Uuid;

pub struct ProbeMigrator;

impl MigratorTrait for ProbeMigrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(CreateProbes)]
    }
    fn migration_table_name() -> sea_orm::DynIden {
        sea_orm::sea_query::Alias::new("probe_migrations").into()
    }
}

struct CreateProbes;

impl MigrationName for CreateProbes {
    fn name(&self) -> &str {
        "m20261122_000001_create_probes"
    }
}

#[async_trait]
impl MigrationTrait for CreateProbes {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for service in [Service::Records, Service::Scheduling] {
            create_service_schema(manager, service).await?;
            let schema = service.name();
            manager
                .get_connection()
                .execute_unprepared(&format!(
                    "create table {schema}.probe (id uuid primary key, body text not null, \
                     updated_at timestamptz not null default now())"
                ))
                .await?;
            enable_tenant_rls(manager, schema, "probe").await?;
            add_updated_at_trigger(manager, schema, "probe").await?;
        }
        Ok(())
    }
}

pub async fn insert(tx: &TenantTx, tenant: TenantId, body: &str) -> Result<Uuid, DbErr> {
    let id = Uuid::now_v7();
    tx.execute_raw(Statement::from_sql_and_values(
        tx.get_database_backend(),
        "insert into records.probe (id, tenant_id, body) values ($1, $2, $3)",
        [id.into(), (*tenant.as_uuid()).into(), body.into()],
    ))
    .await?;
    Ok(id)
}

/// Every body visible, with deliberately no tenant predicate: only RLS can filter.
pub async fn all_bodies(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "select body from records.probe order by body",
        ))
        .await?;
    rows.iter().map(|r| r.try_get::<String>("", "body")).collect()
}

pub async fn exec(db: &impl ConnectionTrait, sql: &str) -> Result<u64, DbErr> {
    db.execute_unprepared(sql).await.map(|r| r.rows_affected())
}

/// Two tenants with one row each, inserted through the records role.
pub async fn two_tenants(db: &DatabaseConnection) -> (TenantId, Uuid, TenantId, Uuid) {
    let (a, b) = (TenantId::generate(), TenantId::generate());
    let tx = TenantTx::begin(db, a).await.unwrap();
    let row_a = insert(&tx, a, "a-secret").await.unwrap();
    tx.commit().await.unwrap();
    let tx = TenantTx::begin(db, b).await.unwrap();
    let row_b = insert(&tx, b, "b-secret").await.unwrap();
    tx.commit().await.unwrap();
    (a, row_a, b, row_b)
}
