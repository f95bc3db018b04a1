//! `scheduling.appointments` (RLS): who meets whom, when and how, and the recording state of
//! a telehealth appointment's room. Ids and times only, in plaintext: there is no free text
//! to encrypt (a visit's reason belongs in the chart).
//!
//! The database itself refuses double booking: two booked appointments of the same
//! clinician, or of the same client, never overlap (`exclude using gist` on the time range,
//! btree_gist for the ids). A cancelled appointment frees its slot. Recording can only be on
//! for a booked telehealth appointment. Rows are never deleted (no grant): a cancellation is
//! a state.

use sea_orm_migration::prelude::*;
use tp_db::migration::enable_tenant_rls;
use tp_ids::Service;

pub struct CreateAppointments;

impl MigrationName for CreateAppointments {
    fn name(&self) -> &str {
        "m20261227_000001_create_appointments"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateAppointments {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let role = Service::Scheduling.db_role().ok_or_else(|| DbErr::Custom("scheduling owns no role".into()))?;
        let sql = format!(
            r#"
            create table scheduling.appointments (
                tenant_id uuid not null,
                id uuid not null,
                client_id uuid not null,
                clinician_id uuid not null,
                starts_at timestamptz not null,
                ends_at timestamptz not null,
                modality text not null check (modality in ('in_person', 'telehealth')),
                status text not null default 'booked' check (status in ('booked', 'cancelled')),
                booked_by uuid not null,
                booked_at timestamptz not null default now(),
                cancelled_by uuid,
                cancelled_at timestamptz,
                recording boolean not null default false,
                recording_changed_by uuid,
                recording_changed_at timestamptz,
                primary key (tenant_id, id),
                check (ends_at > starts_at),
                check (client_id <> clinician_id),
                check ((status = 'cancelled') = (cancelled_at is not null and cancelled_by is not null)),
                check (not recording or (modality = 'telehealth' and status = 'booked')),
                constraint appointments_clinician_free exclude using gist
                    (tenant_id with =, clinician_id with =, tstzrange(starts_at, ends_at) with &&)
                    where (status = 'booked'),
                constraint appointments_client_free exclude using gist
                    (tenant_id with =, client_id with =, tstzrange(starts_at, ends_at) with &&)
                    where (status = 'booked')
            );
            create index appointments_by_time on scheduling.appointments (tenant_id, starts_at);
            create index appointments_by_clinician on scheduling.appointments (tenant_id, clinician_id, starts_at);
            create index appointments_by_client on scheduling.appointments (tenant_id, client_id, starts_at);
            revoke delete, truncate on scheduling.appointments from {role};
            "#
        );
        manager.get_connection().execute_unprepared(&sql).await?;
        enable_tenant_rls(manager, "scheduling", "appointments").await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared("drop table if exists scheduling.appointments").await.map(|_| ())
    }
}
