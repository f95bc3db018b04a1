//! `records.documents`: files uploaded to a client's chart. The content and the metadata a
//! person typed or chose (title, original file name, SHA-256 of the content) are `tp_crypto`
//! ciphertexts bound to (tenant, table, column and client, document id), so a ciphertext
//! moved to another document, client or practice does not decrypt. What stays plaintext is
//! what the service itself decided and says nothing about the client: the sniffed media type
//! and the size (checked here as well, so no path around the service stores a bigger file).

use sea_orm_migration::prelude::*;
use tp_db::migration::enable_tenant_rls;

pub struct CreateDocuments;

impl MigrationName for CreateDocuments {
    fn name(&self) -> &str {
        "m20261221_000004_create_documents"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateDocuments {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql = r#"
            create table records.documents (
                tenant_id uuid not null,
                id uuid not null,
                client_id uuid not null,
                -- Ciphertext of {title, filename, sha256} as JSON.
                meta bytea not null,
                -- Ciphertext of the file itself (at most 20 MiB of plaintext).
                content bytea not null,
                -- Sniffed from the content, never taken from the uploader.
                media_type text not null
                    check (media_type in ('application/pdf', 'image/png', 'image/jpeg', 'text/plain')),
                size_bytes bigint not null check (size_bytes between 1 and 20971520),
                uploaded_by uuid not null,
                uploaded_at timestamptz not null default now(),
                primary key (tenant_id, id)
            );
            create index documents_client_idx on records.documents (tenant_id, client_id, uploaded_at);
        "#;
        manager.get_connection().execute_unprepared(sql).await?;
        enable_tenant_rls(manager, "records", "documents").await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared("drop table if exists records.documents").await.map(|_| ())
    }
}
