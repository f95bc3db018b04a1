//! The clinical part of the chart: `records.diagnoses`, `records.treatment_plans`,
//! `records.medications` and `records.amendment_requests`. Each PHI value is one `tp_crypto`
//! ciphertext (a JSON document) bound to (tenant, table, column, row id); the only plaintext
//! columns are ids, times, a plan's version and a request's status.
//!
//! The service role may not DELETE from these tables: a chart entry is corrected (a new
//! status, a stopped date, a new plan version), never erased by the application.

use sea_orm_migration::prelude::*;
use tp_db::migration::{add_updated_at_trigger, enable_tenant_rls};
use tp_ids::Service;

pub struct CreateClinical;

impl MigrationName for CreateClinical {
    fn name(&self) -> &str {
        "m20261220_000004_create_clinical"
    }
}

const TABLES: [&str; 4] = ["diagnoses", "treatment_plans", "medications", "amendment_requests"];

#[async_trait::async_trait]
impl MigrationTrait for CreateClinical {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql = r#"
            -- Diagnoses and medications share a shape: everything about the item (code, text,
            -- status, dates) is in `body`, bound to the item's id.
            create table records.diagnoses (
                tenant_id uuid not null,
                id uuid not null,
                client_id uuid not null,
                body bytea not null,
                recorded_by uuid not null,
                updated_by uuid not null,
                created_at timestamptz not null default now(),
                updated_at timestamptz not null default now(),
                primary key (tenant_id, id)
            );
            create index diagnoses_client_idx on records.diagnoses (tenant_id, client_id, created_at);

            create table records.medications (
                tenant_id uuid not null,
                id uuid not null,
                client_id uuid not null,
                body bytea not null,
                recorded_by uuid not null,
                updated_by uuid not null,
                created_at timestamptz not null default now(),
                updated_at timestamptz not null default now(),
                primary key (tenant_id, id)
            );
            create index medications_client_idx on records.medications (tenant_id, client_id, created_at);

            -- One current plan per client; `body` (problem and goals) is bound to the client id.
            create table records.treatment_plans (
                tenant_id uuid not null,
                client_id uuid not null,
                body bytea not null,
                version integer not null default 1 check (version >= 1),
                updated_by uuid not null,
                created_at timestamptz not null default now(),
                updated_at timestamptz not null default now(),
                primary key (tenant_id, client_id)
            );

            create table records.amendment_requests (
                tenant_id uuid not null,
                id uuid not null,
                client_id uuid not null,
                requested_by uuid not null,
                -- What is wrong, what it should say, which item: one ciphertext.
                body bytea not null,
                status text not null default 'pending' check (status in ('pending', 'accepted', 'declined')),
                reviewed_by uuid,
                reviewed_at timestamptz,
                -- The reviewer's reason, a ciphertext of its own.
                reason bytea,
                created_at timestamptz not null default now(),
                updated_at timestamptz not null default now(),
                primary key (tenant_id, id),
                -- Decided means reviewer, time and reason, all three; pending has none.
                check ((status = 'pending') = (reviewed_by is null and reviewed_at is null and reason is null)),
                check (status = 'pending' or (reviewed_by is not null and reviewed_at is not null and reason is not null))
            );
            create index amendment_requests_client_idx on records.amendment_requests (tenant_id, client_id, created_at);
        "#;
        let db = manager.get_connection();
        db.execute_unprepared(sql).await?;
        let role = Service::Records.db_role().ok_or_else(|| DbErr::Custom("records owns no role".into()))?;
        for table in TABLES {
            enable_tenant_rls(manager, "records", table).await?;
            add_updated_at_trigger(manager, "records", table).await?;
            db.execute_unprepared(&format!("revoke delete, truncate on records.{table} from {role}")).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql = "drop table if exists records.diagnoses, records.medications, records.treatment_plans, \
                   records.amendment_requests";
        manager.get_connection().execute_unprepared(sql).await.map(|_| ())
    }
}
