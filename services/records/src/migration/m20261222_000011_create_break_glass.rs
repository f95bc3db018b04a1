//! `records.break_glass`: emergency openings of a chart by a clinician off its care team.
//! A row is the evidence of the opening (who, whose chart, why, until when), so rows are
//! never changed or deleted, by anyone: a trigger refuses it, for the superuser too. The
//! reason is one `tp_crypto` ciphertext bound to (tenant, table, column, grant id): it may
//! describe the client's situation.

use sea_orm_migration::prelude::*;
use tp_db::migration::enable_tenant_rls;

pub struct CreateBreakGlass;

impl MigrationName for CreateBreakGlass {
    fn name(&self) -> &str {
        "m20261222_000011_create_break_glass"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateBreakGlass {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql = r#"
            create table records.break_glass (
                tenant_id uuid not null,
                id uuid not null,
                client_id uuid not null,
                clinician_id uuid not null,
                reason bytea not null,
                opened_at timestamptz not null default now(),
                expires_at timestamptz not null,
                primary key (tenant_id, id),
                check (expires_at > opened_at)
            );
            create index break_glass_active_idx
                on records.break_glass (tenant_id, clinician_id, client_id, expires_at);
            create index break_glass_opened_idx on records.break_glass (tenant_id, opened_at);

            create function records.break_glass_append_only() returns trigger language plpgsql as $$
            begin
                raise exception 'records.break_glass: an opening is evidence and never changes'
                    using errcode = 'check_violation';
            end $$;
            create trigger break_glass_append_only before update or delete on records.break_glass
                for each row execute function records.break_glass_append_only();
            create trigger break_glass_no_truncate before truncate on records.break_glass
                for each statement execute function records.break_glass_append_only();
        "#;
        manager.get_connection().execute_unprepared(sql).await?;
        enable_tenant_rls(manager, "records", "break_glass").await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql =
            "drop table if exists records.break_glass; drop function if exists records.break_glass_append_only();";
        manager.get_connection().execute_unprepared(sql).await.map(|_| ())
    }
}
