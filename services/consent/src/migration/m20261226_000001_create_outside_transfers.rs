//! Records transfers to providers outside the platform (issue 6, step 4).
//!
//! A practice member records an outside provider's request for a named client: the
//! transfer's `named_client_id` (set once, at the insert; the client who answers must be that
//! client). Its recipient (name, organisation, email) is sealed with the rest of `request`.
//!
//! `consent.transfer_links`: the link of an outside transfer's package, made when the client
//! hands the package over. In plaintext only the SHA-256 of the link's token (the token
//! itself is only in the email), the count of wrong codes and when the link locked; the
//! 8-digit one-time code is a `tp_crypto` envelope bound to the row. The count goes up by one
//! per wrong code and locks the link at five, once (grants and a trigger, for the superuser
//! too); nothing else changes and no row is deleted.

use sea_orm_migration::prelude::*;
use tp_db::migration::enable_tenant_rls;
use tp_ids::Service;

pub struct CreateOutsideTransfers;

impl MigrationName for CreateOutsideTransfers {
    fn name(&self) -> &str {
        "m20261226_000001_create_outside_transfers"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateOutsideTransfers {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let role = Service::Consent.db_role().ok_or_else(|| DbErr::Custom("consent owns no role".into()))?;
        let sql = format!(
            r#"
            -- The client an outside request names (on-platform requests name an email instead).
            alter table consent.transfers add column named_client_id uuid;
            -- Only the client named may decide it.
            alter table consent.transfers add constraint transfers_named_client_decides
                check (named_client_id is null or client_id is null or client_id = named_client_id);
            create index transfers_named_client_idx on consent.transfers (tenant_id, named_client_id)
                where named_client_id is not null;

            -- As before, with the named client fixed too.
            create or replace function consent.transfers_change() returns trigger language plpgsql as $$
            begin
                if (new.tenant_id, new.id, new.requester_tenant_id, new.requested_by, new.created_at, new.expires_at,
                    new.request, new.named_client_id)
                   is distinct from
                   (old.tenant_id, old.id, old.requester_tenant_id, old.requested_by, old.created_at, old.expires_at,
                    old.request, old.named_client_id)
                   or not ((old.status = 'requested' and new.status in ('approved', 'declined'))
                           or (old.status = 'approved' and new.status = 'downloaded'
                               and (new.client_id, new.decided_at, new.download_expires_at, new.decision)
                                   is not distinct from (old.client_id, old.decided_at, old.download_expires_at, old.decision))) then
                    raise exception 'consent.transfers: only a decision, then a download, once each'
                        using errcode = 'check_violation';
                end if;
                return new;
            end $$;

            create table consent.transfer_links (
                tenant_id uuid not null,
                id uuid not null,
                created_at timestamptz not null default now(),
                -- SHA-256 of the link's 32-byte token: a dump of the table opens nothing.
                token_sha256 bytea not null check (length(token_sha256) = 32),
                -- Ciphertext: the one-time code, given to the provider by phone.
                code bytea not null,
                failed_attempts integer not null default 0 check (failed_attempts between 0 and 5),
                locked_at timestamptz,
                primary key (tenant_id, id),
                foreign key (tenant_id, id) references consent.transfers (tenant_id, id),
                check ((failed_attempts = 5) = (locked_at is not null))
            );

            create function consent.transfer_links_change() returns trigger language plpgsql as $$
            begin
                if (new.tenant_id, new.id, new.created_at, new.token_sha256, new.code)
                   is distinct from (old.tenant_id, old.id, old.created_at, old.token_sha256, old.code)
                   or new.failed_attempts <> old.failed_attempts + 1
                   or old.locked_at is not null then
                    raise exception 'consent.transfer_links: only one more wrong code at a time, until locked'
                        using errcode = 'check_violation';
                end if;
                return new;
            end $$;
            create trigger transfer_links_change before update on consent.transfer_links
                for each row execute function consent.transfer_links_change();
            create trigger transfer_links_no_delete before delete or truncate on consent.transfer_links
                for each statement execute function consent.refuse_change();
            revoke update, delete, truncate on consent.transfer_links from {role};
            grant update (failed_attempts, locked_at) on consent.transfer_links to {role};
            "#
        );
        manager.get_connection().execute_unprepared(&sql).await?;
        enable_tenant_rls(manager, "consent", "transfer_links").await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql = "drop table if exists consent.transfer_links; \
                   drop function if exists consent.transfer_links_change(); \
                   alter table consent.transfers drop constraint if exists transfers_named_client_decides; \
                   drop index if exists consent.transfers_named_client_idx; \
                   alter table consent.transfers drop column if exists named_client_id;";
        manager.get_connection().execute_unprepared(sql).await.map(|_| ())
    }
}
