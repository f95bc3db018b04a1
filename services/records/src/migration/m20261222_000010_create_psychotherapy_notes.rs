//! `records.psychotherapy_notes`: a clinician's psychotherapy notes (HIPAA's separately
//! protected kind), in a table of their own so that no chart query, view or export can
//! reach them by accident. The text is one `tp_crypto` ciphertext bound to (tenant, table,
//! column, note id).

use sea_orm_migration::prelude::*;
use tp_db::migration::{add_updated_at_trigger, enable_tenant_rls};

pub struct CreatePsychotherapyNotes;

impl MigrationName for CreatePsychotherapyNotes {
    fn name(&self) -> &str {
        "m20261222_000010_create_psychotherapy_notes"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreatePsychotherapyNotes {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql = r#"
            create table records.psychotherapy_notes (
                tenant_id uuid not null,
                id uuid not null,
                client_id uuid not null,
                author_id uuid not null,
                -- Ciphertext (tp_crypto envelope v1) of the note's text.
                body bytea not null,
                created_at timestamptz not null default now(),
                updated_at timestamptz not null default now(),
                primary key (tenant_id, id)
            );
            create index psychotherapy_notes_author_idx
                on records.psychotherapy_notes (tenant_id, author_id, client_id, created_at);
        "#;
        manager.get_connection().execute_unprepared(sql).await?;
        enable_tenant_rls(manager, "records", "psychotherapy_notes").await?;
        add_updated_at_trigger(manager, "records", "psychotherapy_notes").await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql = "drop table if exists records.psychotherapy_notes;";
        manager.get_connection().execute_unprepared(sql).await.map(|_| ())
    }
}
