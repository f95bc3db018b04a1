//! `records.form_templates` and `records.form_responses`.
//!
//! A template is a practice's JSON Schema, versioned: a new version is a new row, and a
//! response names the exact version it answers, so editing a template never changes what an
//! earlier answer meant. Templates hold questions, not answers: no PHI, stored as `jsonb`.
//!
//! A response is PHI, and so is its score (a PHQ-9 total beside a client id says how
//! depressed that person is): both are `tp_crypto` ciphertexts bound to (tenant, table,
//! column and client, response id). No score is queryable in SQL; a history decrypts the
//! client's responses to one instrument. The instrument itself stays plaintext so that the
//! history is one indexed query: it says a screening was given, not what it found.

use sea_orm_migration::prelude::*;
use tp_db::migration::enable_tenant_rls;

pub struct CreateForms;

impl MigrationName for CreateForms {
    fn name(&self) -> &str {
        "m20261221_000005_create_forms"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateForms {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql = r#"
            create table records.form_templates (
                tenant_id uuid not null,
                id uuid not null,
                version integer not null check (version >= 1),
                title text not null check (char_length(title) between 1 and 200),
                -- Validated as a JSON Schema (and bounded) by the service before it gets here.
                schema jsonb not null,
                created_by uuid not null,
                created_at timestamptz not null default now(),
                primary key (tenant_id, id, version)
            );

            create table records.form_responses (
                tenant_id uuid not null,
                id uuid not null,
                client_id uuid not null,
                -- Either a practice template's version or a built-in instrument, never both.
                template_id uuid,
                template_version integer,
                instrument text check (instrument in ('phq9', 'gad7')),
                -- Ciphertext of the answers as JSON.
                answers bytea not null,
                -- Ciphertext of the computed score (instruments only).
                score bytea,
                responded_by uuid not null,
                created_at timestamptz not null default now(),
                primary key (tenant_id, id),
                foreign key (tenant_id, template_id, template_version)
                    references records.form_templates (tenant_id, id, version),
                check ((instrument is null) = (template_id is not null and template_version is not null)),
                check ((instrument is null) = (score is null))
            );
            create index form_responses_client_idx
                on records.form_responses (tenant_id, client_id, instrument, created_at);
        "#;
        manager.get_connection().execute_unprepared(sql).await?;
        enable_tenant_rls(manager, "records", "form_templates").await?;
        enable_tenant_rls(manager, "records", "form_responses").await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql = "drop table if exists records.form_responses; drop table if exists records.form_templates;";
        manager.get_connection().execute_unprepared(sql).await.map(|_| ())
    }
}
