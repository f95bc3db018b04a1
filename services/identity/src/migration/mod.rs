//! The identity schema's migrations, applied by `tp-identity migrate` as the migrator role.
//! Never edit an applied migration: add a new one.

use sea_orm_migration::{MigrationTrait, MigratorTrait};
use tp_db::migration::CreateServiceSchema;
use tp_db::sea_orm::DynIden;
use tp_db::sea_orm::sea_query::Alias;
use tp_ids::Service;

mod m20261122_000002_create_identity_tables;
mod m20261122_000010_add_code_refresh_family;
mod m20261122_000040_add_authorization_request_min_auth_time;
mod m20261122_000050_add_api_client_approval;

pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(CreateServiceSchema(Service::Identity)),
            Box::new(m20261122_000002_create_identity_tables::Migration),
            Box::new(m20261122_000010_add_code_refresh_family::Migration),
            Box::new(m20261122_000040_add_authorization_request_min_auth_time::Migration),
            Box::new(m20261122_000050_add_api_client_approval::Migration),
        ]
    }

    /// All schemas share one database, so each service keeps its own migration table.
    fn migration_table_name() -> DynIden {
        Alias::new("identity_migrations").into()
    }
}
