//! `consent.authorizations`, `consent.restrictions` and `consent.disclosures` (the
//! accounting of disclosures).
//!
//! In plaintext a row says only who, when and in what state: an authorization's recipient,
//! categories, purpose and expiry event, a restriction's request and review reason, a
//! disclosure's recipient, categories, authorizations, purpose and channel are `tp_crypto`
//! envelopes bound to the row and the client. A recipient or "SUD records" in a dump would
//! say who treats the client and for what.
//!
//! What may change is exactly what the rules need, once: an authorization's `revoked_at`
//! and `event_ended_at` (null to a value), a restriction's review (from `requested`). The
//! service role holds UPDATE on those columns only, and a row trigger refuses anything else
//! for everyone, the superuser included. The accounting is append-only.

use sea_orm_migration::prelude::*;
use tp_db::migration::enable_tenant_rls;
use tp_ids::Service;

pub struct CreateDisclosure;

impl MigrationName for CreateDisclosure {
    fn name(&self) -> &str {
        "m20261224_000001_create_disclosure"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateDisclosure {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let role = Service::Consent.db_role().ok_or_else(|| DbErr::Custom("consent owns no role".into()))?;
        let sql = format!(
            r#"
            create table consent.authorizations (
                tenant_id uuid not null,
                id uuid not null,
                client_id uuid not null,
                signature_id uuid not null,
                created_at timestamptz not null default now(),
                expires_at timestamptz,
                revoked_at timestamptz,
                -- Set by a transfer's completion (step 4) when the authorization ends on it.
                event_ended_at timestamptz,
                -- Ciphertext: kind of the signed document, recipient, categories, purpose,
                -- expiry event.
                terms bytea not null,
                primary key (tenant_id, id),
                -- Grounded in the client's own signature, never another client's.
                foreign key (tenant_id, signature_id, client_id)
                    references consent.signatures (tenant_id, id, client_id)
            );
            create index authorizations_client_idx on consent.authorizations (tenant_id, client_id, created_at);

            -- Revocation and the expiry event happen once; nothing else of an authorization
            -- ever changes (what the client agreed to is evidence).
            create function consent.authorizations_change() returns trigger language plpgsql as $$
            begin
                if (new.tenant_id, new.id, new.client_id, new.signature_id, new.created_at, new.expires_at, new.terms)
                   is distinct from
                   (old.tenant_id, old.id, old.client_id, old.signature_id, old.created_at, old.expires_at, old.terms)
                   or (old.revoked_at is not null and new.revoked_at is distinct from old.revoked_at)
                   or (old.event_ended_at is not null and new.event_ended_at is distinct from old.event_ended_at) then
                    raise exception 'consent.authorizations: only a revocation or an expiry event, once'
                        using errcode = 'check_violation';
                end if;
                return new;
            end $$;
            create trigger authorizations_change before update on consent.authorizations
                for each row execute function consent.authorizations_change();
            create trigger authorizations_no_delete before delete or truncate on consent.authorizations
                for each statement execute function consent.refuse_change();
            revoke update, delete, truncate on consent.authorizations from {role};
            grant update (revoked_at, event_ended_at) on consent.authorizations to {role};

            create table consent.restrictions (
                tenant_id uuid not null,
                id uuid not null,
                client_id uuid not null,
                created_at timestamptz not null default now(),
                status text not null default 'requested' check (status in ('requested', 'accepted', 'declined')),
                reviewed_by uuid,
                reviewed_at timestamptz,
                -- Ciphertext: categories, recipient, description.
                request bytea not null,
                -- Ciphertext: the reviewer's reason.
                review bytea,
                primary key (tenant_id, id),
                check ((status = 'requested') = (reviewed_at is null and reviewed_by is null and review is null))
            );
            create index restrictions_client_idx on consent.restrictions (tenant_id, client_id, created_at);

            -- Reviewed once: from requested to accepted or declined, and then never again.
            create function consent.restrictions_change() returns trigger language plpgsql as $$
            begin
                if (new.tenant_id, new.id, new.client_id, new.created_at, new.request)
                   is distinct from (old.tenant_id, old.id, old.client_id, old.created_at, old.request)
                   or old.status <> 'requested' then
                    raise exception 'consent.restrictions: only one review of a requested restriction'
                        using errcode = 'check_violation';
                end if;
                return new;
            end $$;
            create trigger restrictions_change before update on consent.restrictions
                for each row execute function consent.restrictions_change();
            create trigger restrictions_no_delete before delete or truncate on consent.restrictions
                for each statement execute function consent.refuse_change();
            revoke update, delete, truncate on consent.restrictions from {role};
            grant update (status, reviewed_by, reviewed_at, review) on consent.restrictions to {role};

            -- The accounting of disclosures: what the client reads of what left. Append-only.
            create table consent.disclosures (
                tenant_id uuid not null,
                id uuid not null,
                client_id uuid not null,
                disclosed_by uuid not null,
                disclosed_at timestamptz not null default now(),
                -- Ciphertext: recipient, categories, authorization ids, purpose, channel.
                record bytea not null,
                primary key (tenant_id, id)
            );
            create index disclosures_client_idx on consent.disclosures (tenant_id, client_id, disclosed_at);
            create trigger disclosures_append_only before update or delete or truncate on consent.disclosures
                for each statement execute function consent.refuse_change();
            revoke update, delete, truncate on consent.disclosures from {role};
            "#
        );
        manager.get_connection().execute_unprepared(&sql).await?;
        for table in ["authorizations", "restrictions", "disclosures"] {
            enable_tenant_rls(manager, "consent", table).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql = "drop table if exists consent.disclosures; drop table if exists consent.restrictions; \
                   drop table if exists consent.authorizations; \
                   drop function if exists consent.restrictions_change(); \
                   drop function if exists consent.authorizations_change();";
        manager.get_connection().execute_unprepared(sql).await.map(|_| ())
    }
}
