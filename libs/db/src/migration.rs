//! Building blocks for each service's sea-orm migrations.
//!
//! Migrations run as `tp_migrator`, which owns every schema and table; a service's own role
//! only gets DML on its schema. Owning a table would let a role `ALTER TABLE ... DISABLE ROW
//! LEVEL SECURITY`, so services must never run DDL. Each service keeps its own migration
//! table (`MigratorTrait::migration_table_name`) because all schemas share one database.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};
use sea_orm_migration::{MigratorTrait, SchemaManager};
use secrecy::SecretString;
use tp_ids::Service;

use crate::{DbError, PoolOptions, connect};

/// Creates `service`'s schema, lets its role use it (DML only, on tables created later by the
/// migrator too), and installs the `set_updated_at()` trigger function in it.
pub async fn create_service_schema(manager: &SchemaManager<'_>, service: Service) -> Result<(), DbErr> {
    let schema = service.name();
    let role = service.db_role().ok_or_else(|| DbErr::Custom(format!("{service} owns no schema")))?;
    let sql = format!(
        r#"
        create schema if not exists {schema};
        -- Nobody but the owner and the service's role may even look inside.
        revoke all on schema {schema} from public;
        grant usage on schema {schema} to {role};
        alter default privileges in schema {schema} grant select, insert, update, delete on tables to {role};
        alter default privileges in schema {schema} grant usage, select on sequences to {role};
        create or replace function {schema}.set_updated_at() returns trigger language plpgsql as $$
        begin
            new.updated_at := now();
            return new;
        end $$;
        "#
    );
    manager.get_connection().execute_unprepared(&sql).await.map(|_| ())
}

/// Makes `schema.table` tenant-owned: a `tenant_id uuid not null` column (added if the table
/// was created without it), an index leading with it, and an RLS policy that confines every
/// read and write to the tenant set by `TenantTx`, forced even for the table owner.
///
/// The policy reads the setting with `missing_ok = true` and maps '' to NULL, so with no
/// tenant set the predicate is NULL and no row matches: it fails closed instead of raising.
pub async fn enable_tenant_rls(manager: &SchemaManager<'_>, schema: &str, table: &str) -> Result<(), DbErr> {
    let sql = format!(
        r#"
        alter table {schema}.{table} add column if not exists tenant_id uuid not null;
        create index if not exists {table}_tenant_id_idx on {schema}.{table} (tenant_id);
        alter table {schema}.{table} enable row level security;
        alter table {schema}.{table} force row level security;
        drop policy if exists tenant_isolation on {schema}.{table};
        create policy tenant_isolation on {schema}.{table}
            using (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
            with check (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
        "#
    );
    manager.get_connection().execute_unprepared(&sql).await.map(|_| ())
}

/// Attaches the `set_updated_at` trigger of `schema` to `schema.table`.
pub async fn add_updated_at_trigger(manager: &SchemaManager<'_>, schema: &str, table: &str) -> Result<(), DbErr> {
    let sql = format!(
        "create or replace trigger {table}_set_updated_at before update on {schema}.{table} \
         for each row execute function {schema}.set_updated_at();"
    );
    manager.get_connection().execute_unprepared(&sql).await.map(|_| ())
}

/// Applies `M`'s pending migrations as the migrator role; returns how many ran.
pub async fn run<M: MigratorTrait>(migrator_url: &SecretString) -> Result<usize, DbError> {
    let db: DatabaseConnection =
        connect(migrator_url, &PoolOptions { max_connections: 2, ..PoolOptions::default() }).await?;
    let pending = M::get_pending_migrations(&db).await?.len();
    M::up(&db, None).await?;
    db.close().await?;
    Ok(pending)
}

/// The first migration of every service with a schema: the schema, its grants and the
/// `set_updated_at()` trigger function (see [`create_service_schema`]).
pub struct CreateServiceSchema(pub Service);

impl sea_orm_migration::MigrationName for CreateServiceSchema {
    fn name(&self) -> &str {
        "m20261122_000001_create_schema"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl sea_orm_migration::MigrationTrait for CreateServiceSchema {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_service_schema(manager, self.0).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql = format!("drop schema if exists {} cascade", self.0.name());
        manager.get_connection().execute_unprepared(&sql).await.map(|_| ())
    }
}

/// The migrator of a service that owns no schema (the gateway).
pub struct NoMigrations;

impl MigratorTrait for NoMigrations {
    fn migrations() -> Vec<Box<dyn sea_orm_migration::MigrationTrait>> {
        Vec::new()
    }
}
