//! The records schema's migrations, applied by `tp-records migrate` as the migrator role.
//! Never edit an applied migration: add a new one.

mod m20261201_000002_create_clients;
mod m20261210_000003_create_notes;
mod m20261220_000004_create_clinical;
mod m20261221_000004_create_documents;
mod m20261221_000005_create_forms;
mod m20261222_000010_create_psychotherapy_notes;
mod m20261222_000011_create_break_glass;

use sea_orm_migration::{MigrationTrait, MigratorTrait};
use tp_db::migration::CreateServiceSchema;
use tp_db::sea_orm::DynIden;
use tp_db::sea_orm::sea_query::Alias;
use tp_ids::Service;

pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(CreateServiceSchema(Service::Records)),
            Box::new(m20261201_000002_create_clients::CreateClients),
            Box::new(m20261210_000003_create_notes::CreateNotes),
            Box::new(m20261220_000004_create_clinical::CreateClinical),
            Box::new(m20261221_000004_create_documents::CreateDocuments),
            Box::new(m20261221_000005_create_forms::CreateForms),
            Box::new(m20261222_000010_create_psychotherapy_notes::CreatePsychotherapyNotes),
            Box::new(m20261222_000011_create_break_glass::CreateBreakGlass),
        ]
    }

    /// All schemas share one database, so each service keeps its own migration table.
    fn migration_table_name() -> DynIden {
        Alias::new("records_migrations").into()
    }
}
