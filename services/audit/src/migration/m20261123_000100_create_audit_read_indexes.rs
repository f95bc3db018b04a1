//! Indexes for the read API: a practice's events newest first with the `id` tie-break of the
//! keyset, and one client's records events (the "who accessed my record" view), so neither
//! listing scans the practice's whole log.

use sea_orm_migration::prelude::*;

pub struct CreateAuditReadIndexes;

impl MigrationName for CreateAuditReadIndexes {
    fn name(&self) -> &str {
        "m20261123_000100_create_audit_read_indexes"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateAuditReadIndexes {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql = r#"
            -- The keyset order (occurred_at desc, id desc) within a tenant.
            create index events_tenant_keyset_idx on audit.events (tenant_id, occurred_at desc, id desc);
            -- Partial: only records' events about a client are ever listed by subject.
            create index events_client_record_access_idx
                on audit.events (tenant_id, subject_id, occurred_at desc, id desc)
                where service = 'records' and subject_kind = 'client';
        "#;
        manager.get_connection().execute_unprepared(sql).await.map(|_| ())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql = "drop index if exists audit.events_client_record_access_idx; \
                   drop index if exists audit.events_tenant_keyset_idx;";
        manager.get_connection().execute_unprepared(sql).await.map(|_| ())
    }
}
