//! `consent.templates` (a practice's own consent templates, every version) and
//! `consent.requirements` (the templates a practice requires before a first appointment),
//! plus `consent.refuse_change()`, the trigger function that keeps a table append-only.
//!
//! A template version, once published, is what clients sign: rows are never updated or
//! deleted. The service role may only INSERT and SELECT them, and a statement trigger
//! refuses UPDATE, DELETE and TRUNCATE for everyone, the superuser included (grants do not
//! bind the owner or a superuser; triggers do). A new version is a new row. Templates hold
//! no PHI, so they are plaintext; the body's hash is checked by the database too.

use sea_orm_migration::prelude::*;
use tp_db::migration::enable_tenant_rls;
use tp_ids::Service;

pub struct CreateTemplates;

impl MigrationName for CreateTemplates {
    fn name(&self) -> &str {
        "m20261223_000002_create_templates"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateTemplates {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let role = Service::Consent.db_role().ok_or_else(|| DbErr::Custom("consent owns no role".into()))?;
        let sql = format!(
            r#"
            create function consent.refuse_change() returns trigger language plpgsql as $$
            begin
                raise exception '%.%: rows are never changed or deleted', tg_table_schema, tg_table_name
                    using errcode = 'insufficient_privilege';
            end $$;

            create table consent.templates (
                tenant_id uuid not null,
                id uuid not null,
                version integer not null check (version >= 1),
                kind text not null check (kind in ('treatment', 'telehealth', 'electronic_communication',
                    'recording', 'release_of_information', 'psychotherapy_notes_authorization', 'part2_sud',
                    'other')),
                title text not null check (char_length(title) between 1 and 200),
                -- Markdown, exactly as signed: the service never trims or normalises it.
                body text not null check (char_length(body) between 1 and 100000),
                -- Lowercase hex SHA-256 of the body's UTF-8 bytes, which a signature quotes; a
                -- hash that is not the body's cannot be stored.
                body_sha256 text not null
                    check (body_sha256 = encode(sha256(convert_to(body, 'UTF8')), 'hex')),
                created_by uuid not null,
                created_at timestamptz not null default now(),
                primary key (tenant_id, id, version)
            );

            -- A template's kind decides rules (recording consent, the authorizations a
            -- document can ground), so a new version may not change it.
            create function consent.templates_kind_fixed() returns trigger language plpgsql as $$
            begin
                if exists (select 1 from consent.templates t
                           where t.tenant_id = new.tenant_id and t.id = new.id and t.kind <> new.kind) then
                    raise exception 'consent.templates: a template''s kind never changes'
                        using errcode = 'check_violation';
                end if;
                return new;
            end $$;
            create trigger templates_kind_fixed before insert on consent.templates
                for each row execute function consent.templates_kind_fixed();
            create trigger templates_append_only before update or delete or truncate on consent.templates
                for each statement execute function consent.refuse_change();
            revoke update, delete, truncate on consent.templates from {role};

            -- One row per practice, replaced as a whole by a practice admin; keys are
            -- built-in keys or template ids, checked by the service.
            create table consent.requirements (
                tenant_id uuid primary key,
                before_first_appointment text[] not null check (cardinality(before_first_appointment) <= 20),
                set_by uuid not null,
                set_at timestamptz not null default now()
            );
            revoke delete, truncate on consent.requirements from {role};
            "#
        );
        manager.get_connection().execute_unprepared(&sql).await?;
        enable_tenant_rls(manager, "consent", "templates").await?;
        enable_tenant_rls(manager, "consent", "requirements").await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql = "drop table if exists consent.requirements; drop table if exists consent.templates; \
                   drop function if exists consent.templates_kind_fixed(); \
                   drop function if exists consent.refuse_change();";
        manager.get_connection().execute_unprepared(sql).await.map(|_| ())
    }
}
