//! The migrations of the `audit` schema that belong to the log itself: the schema and
//! `audit.events`. The audit service's migrator starts from [`migrations`] and appends its
//! own; test templates of every other service apply [`Migrator`] next to their own so they
//! can write events (see `tp_testkit::db`).
//!
//! Never edit an applied migration: add a new one (and keep the list's order).

mod m20261122_000002_create_audit_events;

use sea_orm_migration::{MigrationTrait, MigratorTrait};
use tp_db::migration::CreateServiceSchema;
use tp_db::sea_orm::DynIden;
use tp_db::sea_orm::sea_query::Alias;
use tp_ids::Service;

pub use m20261122_000002_create_audit_events::CreateAuditEvents;

/// The migration table of the `audit` schema (shared with the audit service's migrator).
pub const MIGRATION_TABLE: &str = "audit_migrations";

/// The log's migrations, in order.
pub fn migrations() -> Vec<Box<dyn MigrationTrait>> {
    vec![Box::new(CreateServiceSchema(Service::Audit)), Box::new(CreateAuditEvents)]
}

/// Applies exactly the log's migrations.
pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        migrations()
    }

    fn migration_table_name() -> DynIden {
        Alias::new(MIGRATION_TABLE).into()
    }
}
