//! The scheduling schema's migrations, applied by `tp-scheduling migrate` as the migrator role.
//! Never edit an applied migration: add a new one.

mod m20261227_000001_create_appointments;

use sea_orm_migration::{MigrationTrait, MigratorTrait};
use tp_db::migration::CreateServiceSchema;
use tp_db::sea_orm::DynIden;
use tp_db::sea_orm::sea_query::Alias;
use tp_ids::Service;

pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(CreateServiceSchema(Service::Scheduling)),
            Box::new(m20261227_000001_create_appointments::CreateAppointments),
        ]
    }

    /// All schemas share one database, so each service keeps its own migration table.
    fn migration_table_name() -> DynIden {
        Alias::new("scheduling_migrations").into()
    }
}
