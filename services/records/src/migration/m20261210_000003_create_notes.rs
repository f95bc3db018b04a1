//! `records.notes`: progress notes. The body is one `tp_crypto` ciphertext (the sections as
//! JSON) bound to (tenant, table, column, note id). A signed row is immutable: a trigger
//! refuses every UPDATE and DELETE of it, for every role including the superuser, so the
//! rule holds even for someone who bypasses the service. Corrections are new rows whose
//! `amends` points at the signed original (same practice, by a composite key).

use sea_orm_migration::prelude::*;
use tp_db::migration::{add_updated_at_trigger, enable_tenant_rls};

pub struct CreateNotes;

impl MigrationName for CreateNotes {
    fn name(&self) -> &str {
        "m20261210_000003_create_notes"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateNotes {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql = r#"
            create table records.notes (
                tenant_id uuid not null,
                id uuid not null,
                client_id uuid not null,
                author_id uuid not null,
                template text not null check (template in ('soap', 'dap', 'birp')),
                -- Ciphertext (tp_crypto envelope v1) of the sections as JSON.
                body bytea not null,
                status text not null check (status in ('draft', 'signed')),
                content_hash bytea check (octet_length(content_hash) = 32),
                signed_by uuid,
                signed_at timestamptz,
                amends uuid,
                created_at timestamptz not null default now(),
                updated_at timestamptz not null default now(),
                primary key (tenant_id, id),
                -- An amendment corrects a note of the same practice, never another's.
                foreign key (tenant_id, amends) references records.notes (tenant_id, id),
                -- Signed means hash, signer and time, all three; a draft has none.
                check ((status = 'signed') = (content_hash is not null and signed_by is not null
                                              and signed_at is not null)),
                check (status = 'signed' or (content_hash is null and signed_by is null and signed_at is null))
            );
            create index notes_client_idx on records.notes (tenant_id, client_id, created_at);

            create function records.notes_signed_immutable() returns trigger language plpgsql as $$
            begin
                if old.status = 'signed' then
                    raise exception 'records.notes: a signed note is immutable'
                        using errcode = 'check_violation';
                end if;
                if tg_op = 'DELETE' then
                    return old;
                end if;
                return new;
            end $$;
            -- Named to sort before notes_set_updated_at: the refusal comes first.
            create trigger notes_immutable_when_signed before update or delete on records.notes
                for each row execute function records.notes_signed_immutable();
            -- Row triggers do not fire on TRUNCATE: notes are never truncated, by anyone.
            create function records.notes_refuse_truncate() returns trigger language plpgsql as $$
            begin
                raise exception 'records.notes: a signed note is immutable' using errcode = 'check_violation';
            end $$;
            create trigger notes_no_truncate before truncate on records.notes
                for each statement execute function records.notes_refuse_truncate();
        "#;
        manager.get_connection().execute_unprepared(sql).await?;
        enable_tenant_rls(manager, "records", "notes").await?;
        add_updated_at_trigger(manager, "records", "notes").await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql = "drop table if exists records.notes; drop function if exists records.notes_signed_immutable(); \
                   drop function if exists records.notes_refuse_truncate();";
        manager.get_connection().execute_unprepared(sql).await.map(|_| ())
    }
}
