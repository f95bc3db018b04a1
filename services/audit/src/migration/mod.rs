//! The audit schema's migrations, applied by `tp-audit migrate` as the migrator role: the
//! audit log's own (`tp_audit_log::migration`: the schema and `audit.events`, which every
//! service writes) first, then the audit service's (the hash chain, the read API's indexes). Never edit an applied
//! migration, and never drop one from the list: sea-orm-migration refuses to run when the
//! table records a migration the list lacks.

mod m20261122_000100_create_audit_seals;
mod m20261123_000100_create_audit_read_indexes;

use sea_orm_migration::{MigrationTrait, MigratorTrait};
use tp_db::sea_orm::DynIden;
use tp_db::sea_orm::sea_query::Alias;

pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        let mut migrations = tp_audit_log::migration::migrations();
        migrations.push(Box::new(m20261122_000100_create_audit_seals::CreateAuditSeals));
        migrations.push(Box::new(m20261123_000100_create_audit_read_indexes::CreateAuditReadIndexes));
        migrations
    }

    /// All schemas share one database, so each service keeps its own migration table.
    fn migration_table_name() -> DynIden {
        Alias::new(tp_audit_log::migration::MIGRATION_TABLE).into()
    }
}
