//! Records transfers (issue 6, step 4): `consent.transfers` and `consent.transfer_packages`
//! in the practice the records are asked of, `consent.sent_requests` in the requester's.
//! Each table is tenant-isolated by RLS like every other: a request crosses practices only
//! through consent's own code, which writes the requester's row in their practice and the
//! transfer in the other, each in a transaction of that practice.
//!
//! In plaintext: ids, times and the state. Who asks (name, email, practice), the email of
//! the client asked for, the purpose and the categories are `tp_crypto` envelopes; so are
//! the categories approved. A transfer moves requested -> approved | declined, approved ->
//! downloaded, once each (grants and a trigger). A package is deleted once downloaded.

use sea_orm_migration::prelude::*;
use tp_db::migration::enable_tenant_rls;
use tp_ids::Service;

pub struct CreateTransfers;

impl MigrationName for CreateTransfers {
    fn name(&self) -> &str {
        "m20261225_000001_create_transfers"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateTransfers {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let role = Service::Consent.db_role().ok_or_else(|| DbErr::Custom("consent owns no role".into()))?;
        let sql = format!(
            r#"
            create table consent.transfers (
                tenant_id uuid not null,
                id uuid not null,
                requester_tenant_id uuid not null,
                requested_by uuid not null,
                created_at timestamptz not null default now(),
                -- The request's lifetime while it waits for the client.
                expires_at timestamptz not null,
                status text not null default 'requested'
                    check (status in ('requested', 'approved', 'declined', 'downloaded')),
                -- Set when the client decides (a request is matched to no one before).
                client_id uuid,
                decided_at timestamptz,
                download_expires_at timestamptz,
                downloaded_at timestamptz,
                -- Ciphertext: the requester as identity knew them, the client email asked
                -- for, the purpose and the categories asked.
                request bytea not null,
                -- Ciphertext: the categories approved and the authorizations created.
                decision bytea,
                primary key (tenant_id, id),
                check ((status = 'requested') = (client_id is null and decided_at is null)),
                check ((status in ('approved', 'downloaded')) = (decision is not null and download_expires_at is not null)),
                check ((status = 'downloaded') = (downloaded_at is not null))
            );
            create index transfers_status_idx on consent.transfers (tenant_id, status, expires_at);
            create index transfers_client_idx on consent.transfers (tenant_id, client_id) where client_id is not null;

            create function consent.transfers_change() returns trigger language plpgsql as $$
            begin
                if (new.tenant_id, new.id, new.requester_tenant_id, new.requested_by, new.created_at, new.expires_at, new.request)
                   is distinct from
                   (old.tenant_id, old.id, old.requester_tenant_id, old.requested_by, old.created_at, old.expires_at, old.request)
                   or not ((old.status = 'requested' and new.status in ('approved', 'declined'))
                           or (old.status = 'approved' and new.status = 'downloaded'
                               and (new.client_id, new.decided_at, new.download_expires_at, new.decision)
                                   is not distinct from (old.client_id, old.decided_at, old.download_expires_at, old.decision))) then
                    raise exception 'consent.transfers: only a decision, then a download, once each'
                        using errcode = 'check_violation';
                end if;
                return new;
            end $$;
            create trigger transfers_change before update on consent.transfers
                for each row execute function consent.transfers_change();
            create trigger transfers_no_delete before delete or truncate on consent.transfers
                for each statement execute function consent.refuse_change();
            revoke update, delete, truncate on consent.transfers from {role};
            grant update (status, client_id, decided_at, download_expires_at, downloaded_at, decision)
                on consent.transfers to {role};

            -- The sealed package of an approved transfer, until it is downloaded.
            create table consent.transfer_packages (
                tenant_id uuid not null,
                id uuid not null,
                created_at timestamptz not null default now(),
                contents bytea not null,
                primary key (tenant_id, id),
                foreign key (tenant_id, id) references consent.transfers (tenant_id, id)
            );
            revoke update, truncate on consent.transfer_packages from {role};
            grant delete on consent.transfer_packages to {role};

            -- A request as its requester's practice keeps it. Append-only.
            create table consent.sent_requests (
                tenant_id uuid not null,
                id uuid not null,
                practice_id uuid not null,
                requested_by uuid not null,
                created_at timestamptz not null default now(),
                -- Ciphertext: the client email, purpose and categories as the requester typed them.
                request bytea not null,
                primary key (tenant_id, id)
            );
            create index sent_requests_by_idx on consent.sent_requests (tenant_id, requested_by, created_at);
            create trigger sent_requests_append_only before update or delete or truncate on consent.sent_requests
                for each statement execute function consent.refuse_change();
            revoke update, delete, truncate on consent.sent_requests from {role};
            "#
        );
        manager.get_connection().execute_unprepared(&sql).await?;
        for table in ["transfers", "transfer_packages", "sent_requests"] {
            enable_tenant_rls(manager, "consent", table).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql = "drop table if exists consent.sent_requests; drop table if exists consent.transfer_packages; \
                   drop table if exists consent.transfers; drop function if exists consent.transfers_change();";
        manager.get_connection().execute_unprepared(sql).await.map(|_| ())
    }
}
