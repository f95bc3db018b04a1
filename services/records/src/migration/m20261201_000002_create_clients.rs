//! `records.clients`: one row per client chart, demographics only for now. Every PHI column
//! is a `tp_crypto` ciphertext bound to (tenant, table, column, client id); the only
//! searchable column is the blind index of the legal name (a keyed HMAC, never the name).

use sea_orm_migration::prelude::*;
use tp_db::migration::{add_updated_at_trigger, enable_tenant_rls};

pub struct CreateClients;

impl MigrationName for CreateClients {
    fn name(&self) -> &str {
        "m20261201_000002_create_clients"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateClients {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql = r#"
            create table records.clients (
                tenant_id uuid not null,
                -- identity's user id of the client: the chart has no id of its own.
                client_id uuid not null,
                -- Ciphertexts (tp_crypto envelope v1); no plaintext PHI column exists.
                legal_name bytea not null,
                preferred_name bytea,
                date_of_birth bytea,
                phone bytea,
                email bytea,
                address bytea,
                -- The contact as one encrypted JSON document.
                emergency_contact bytea,
                -- HMAC-SHA256 of the normalised legal name under the practice's own key.
                name_index bytea not null check (octet_length(name_index) = 32),
                created_at timestamptz not null default now(),
                updated_at timestamptz not null default now(),
                primary key (tenant_id, client_id)
            );
            -- Search is an exact match on the blind index, always within one practice.
            create index clients_name_index_idx on records.clients (tenant_id, name_index);
        "#;
        manager.get_connection().execute_unprepared(sql).await?;
        enable_tenant_rls(manager, "records", "clients").await?;
        add_updated_at_trigger(manager, "records", "clients").await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared("drop table if exists records.clients").await.map(|_| ())
    }
}
