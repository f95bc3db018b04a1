//! The hash chain over `audit.events`: `audit.seals` (one row per sealed event, linked by
//! hash, one chain per tenant plus the platform chain) and `audit.checkpoints` (the chain's
//! head signed with the Vault transit key `audit-checkpoints`). Both are append-only like the
//! events. Also: `events_read` now lets a tenant-less transaction read platform events, and
//! `audit.chains_with_unsealed_events` tells the sealer which chains have work without
//! letting it read across tenants.

use sea_orm_migration::prelude::*;
use tp_ids::Service;

pub struct CreateAuditSeals;

impl MigrationName for CreateAuditSeals {
    fn name(&self) -> &str {
        "m20261122_000100_create_audit_seals"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateAuditSeals {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let reader = Service::Audit.db_role().unwrap_or("tp_audit");
        let sql = format!(
            r#"
            -- The chain's own tenant predicate: NULL is the platform chain, read in a
            -- transaction without a tenant. `is not distinct from` so NULL matches NULL.
            create table audit.seals (
                tenant_id uuid,
                seq bigint not null check (seq > 0),
                -- No foreign key: an event deleted behind our back must leave its seal
                -- behind, which is exactly what verification reports.
                event_id uuid not null unique,
                -- A copy of the event's time when sealed (not PHI): the chain's horizon,
                -- which tells a late commit from a backdated insertion.
                occurred_at timestamptz not null,
                prev_hash bytea not null check (octet_length(prev_hash) = 32),
                hash bytea not null check (octet_length(hash) = 32),
                sealed_at timestamptz not null default now(),
                unique nulls not distinct (tenant_id, seq)
            );
            create index seals_tenant_occurred_idx on audit.seals (tenant_id, occurred_at);

            create table audit.checkpoints (
                tenant_id uuid,
                seq bigint not null check (seq > 0),
                hash bytea not null check (octet_length(hash) = 32),
                -- `vault:vN:<base64>`: ed25519 over the checkpoint message (see the service).
                signature text not null check (signature like 'vault:v%'),
                signed_at timestamptz not null default now(),
                unique nulls not distinct (tenant_id, seq)
            );

            -- The sealer looks for new events by time across all chains.
            create index events_occurred_idx on audit.events (occurred_at);

            -- The schema's default privileges gave tp_audit update and delete: not here.
            revoke all on audit.seals, audit.checkpoints from {reader};
            grant select, insert on audit.seals, audit.checkpoints to {reader};

            create trigger seals_append_only before update or delete or truncate on audit.seals
                for each statement execute function audit.refuse_change();
            create trigger checkpoints_append_only before update or delete or truncate on audit.checkpoints
                for each statement execute function audit.refuse_change();

            alter table audit.seals enable row level security;
            alter table audit.seals force row level security;
            create policy seals_chain on audit.seals
                using (tenant_id is not distinct from nullif(current_setting('app.tenant_id', true), '')::uuid)
                with check (tenant_id is not distinct from nullif(current_setting('app.tenant_id', true), '')::uuid);
            alter table audit.checkpoints enable row level security;
            alter table audit.checkpoints force row level security;
            create policy checkpoints_chain on audit.checkpoints
                using (tenant_id is not distinct from nullif(current_setting('app.tenant_id', true), '')::uuid)
                with check (tenant_id is not distinct from nullif(current_setting('app.tenant_id', true), '')::uuid);

            -- The platform chain is read in a transaction without a tenant; the old policy's
            -- `=` matched nothing there.
            drop policy events_read on audit.events;
            create policy events_read on audit.events for select
                using (tenant_id is not distinct from nullif(current_setting('app.tenant_id', true), '')::uuid);

            -- Which chains have events newer than `since` that are not sealed: ids only, so
            -- the sealer can visit each chain in a transaction scoped to it. It runs as the
            -- owner (the migrator role), which RLS binds too (FORCE), hence the owner-only
            -- read policies; the owner could lift RLS anyway, so they grant it nothing new.
            create policy events_owner_read on audit.events for select to current_user using (true);
            create policy seals_owner_read on audit.seals for select to current_user using (true);
            create function audit.chains_with_unsealed_events(since timestamptz)
                returns table (tenant_id uuid)
                language sql stable security definer
                set search_path = pg_catalog, pg_temp
            as $$
                select distinct e.tenant_id from audit.events e
                where e.occurred_at >= since
                  and not exists (select 1 from audit.seals s where s.event_id = e.id)
            $$;
            revoke all on function audit.chains_with_unsealed_events(timestamptz) from public;
            grant execute on function audit.chains_with_unsealed_events(timestamptz) to {reader};
            "#
        );
        manager.get_connection().execute_unprepared(&sql).await.map(|_| ())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql = r#"
            drop function if exists audit.chains_with_unsealed_events(timestamptz);
            drop policy if exists events_owner_read on audit.events;
            drop policy if exists events_read on audit.events;
            create policy events_read on audit.events for select
                using (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
            drop index if exists audit.events_occurred_idx;
            drop table if exists audit.checkpoints;
            drop table if exists audit.seals;
        "#;
        manager.get_connection().execute_unprepared(sql).await.map(|_| ())
    }
}
