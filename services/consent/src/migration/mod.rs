//! The consent schema's migrations, applied by `tp-consent migrate` as the migrator role.
//! Never edit an applied migration: add a new one.

mod m20261223_000002_create_templates;
mod m20261223_000003_create_signatures;
mod m20261224_000001_create_disclosure;
mod m20261225_000001_create_transfers;
mod m20261226_000001_create_outside_transfers;

use sea_orm_migration::{MigrationTrait, MigratorTrait};
use tp_db::migration::CreateServiceSchema;
use tp_db::sea_orm::DynIden;
use tp_db::sea_orm::sea_query::Alias;
use tp_ids::Service;

pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(CreateServiceSchema(Service::Consent)),
            Box::new(m20261223_000002_create_templates::CreateTemplates),
            Box::new(m20261223_000003_create_signatures::CreateSignatures),
            Box::new(m20261224_000001_create_disclosure::CreateDisclosure),
            Box::new(m20261225_000001_create_transfers::CreateTransfers),
            Box::new(m20261226_000001_create_outside_transfers::CreateOutsideTransfers),
        ]
    }

    /// All schemas share one database, so each service keeps its own migration table.
    fn migration_table_name() -> DynIden {
        Alias::new("consent_migrations").into()
    }
}
