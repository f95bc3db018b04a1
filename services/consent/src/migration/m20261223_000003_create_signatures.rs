//! `consent.signatures` (signed consent documents) and `consent.withdrawals` (a client
//! withdrawing one, from then on).
//!
//! A signature is evidence: nobody changes or deletes it, the superuser included (statement
//! trigger `consent.refuse_change()`), and the service role may only INSERT and SELECT. In
//! plaintext a row says only "this client signed something at this time": which template,
//! its version, kind, title and text, the text's hash, the typed name, IP and user agent are
//! one `tp_crypto` envelope bound to the row and the client. Even the hash stays inside: a
//! built-in's text is public, so its hash would name the document (a Part 2 consent says
//! "treated for a substance use disorder").
//!
//! A withdrawal is a row of its own (the signed document stays as it was), at most one per
//! signature (the key), for the signature's own client (the composite foreign key).

use sea_orm_migration::prelude::*;
use tp_db::migration::enable_tenant_rls;
use tp_ids::Service;

pub struct CreateSignatures;

impl MigrationName for CreateSignatures {
    fn name(&self) -> &str {
        "m20261223_000003_create_signatures"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateSignatures {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let role = Service::Consent.db_role().ok_or_else(|| DbErr::Custom("consent owns no role".into()))?;
        let sql = format!(
            r#"
            create table consent.signatures (
                tenant_id uuid not null,
                id uuid not null,
                client_id uuid not null,
                signed_at timestamptz not null default now(),
                -- Ciphertext (tp_crypto envelope) of the signed document as JSON.
                document bytea not null,
                primary key (tenant_id, id),
                unique (tenant_id, id, client_id)
            );
            create index signatures_client_idx on consent.signatures (tenant_id, client_id, signed_at);
            create trigger signatures_append_only before update or delete or truncate on consent.signatures
                for each statement execute function consent.refuse_change();
            revoke update, delete, truncate on consent.signatures from {role};

            create table consent.withdrawals (
                tenant_id uuid not null,
                signature_id uuid not null,
                client_id uuid not null,
                withdrawn_at timestamptz not null default now(),
                primary key (tenant_id, signature_id),
                foreign key (tenant_id, signature_id, client_id)
                    references consent.signatures (tenant_id, id, client_id)
            );
            create index withdrawals_client_idx on consent.withdrawals (tenant_id, client_id);
            create trigger withdrawals_append_only before update or delete or truncate on consent.withdrawals
                for each statement execute function consent.refuse_change();
            revoke update, delete, truncate on consent.withdrawals from {role};
            "#
        );
        manager.get_connection().execute_unprepared(&sql).await?;
        enable_tenant_rls(manager, "consent", "signatures").await?;
        enable_tenant_rls(manager, "consent", "withdrawals").await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql = "drop table if exists consent.withdrawals; drop table if exists consent.signatures;";
        manager.get_connection().execute_unprepared(sql).await.map(|_| ())
    }
}
