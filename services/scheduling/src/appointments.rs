//! Booking, listing, reading and cancelling appointments: each checked (role table, then
//! `domain::reach`) and audited in the transaction of its row work.
//!
//! A booking is refused until consent says the client signed every document the practice
//! requires; consent is asked with the caller's own token at that moment, never from a
//! kept answer. The database refuses an overlapping booking of the same clinician or client.

use tp_audit_log::action::scheduling::{
    APPOINTMENT_BOOKED, APPOINTMENT_CANCELLED, APPOINTMENTS_READ, RECORDING_STOPPED,
};
use tp_auth::Role;
use tp_authz::Permission;
use tp_db::TenantTx;
use tp_ids::{TenantId, UserId};
use tp_scheduling_api::appointments::{Appointment, AppointmentList, AppointmentQuery, AppointmentStatus, BookInput};
use uuid::Uuid;

use crate::access::{admit, refuse};
use crate::audit::{Caller, record};
use crate::db::appointments::{self, AppointmentRow, Window};
use crate::domain::booking::{check_slot, check_window};
use crate::domain::reach::Parties;
use crate::error::Error;
use crate::state::AppState;

#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn book(
    state: &AppState,
    caller: &Caller<'_>,
    tenant: TenantId,
    input: &BookInput,
) -> Result<Appointment, Error> {
    let me = admit(state, caller, (tenant, Permission::AppointmentsBook, APPOINTMENT_BOOKED)).await?;
    check_slot(input.starts_at, input.ends_at, chrono::Utc::now())?;
    if input.client_id == input.clinician_id {
        return Err(Error::invalid("client_id", "must not be the clinician"));
    }
    let parties = Parties { client: input.client_id, clinician: input.clinician_id };
    if !caller.viewer().reaches(parties) {
        return Err(refuse(state, caller, (APPOINTMENT_BOOKED, input.client_id), Error::Forbidden).await);
    }
    check_members(state, caller, tenant, parties).await?;
    let readiness = state.consent.readiness(caller.token, (tenant, input.client_id)).await?;
    if !readiness.ready_to_book {
        return Err(Error::ConsentRequired(readiness.missing.into_iter().map(|m| m.title).collect()));
    }
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let row = appointments::insert(&tx, input, me).await?;
    let event = caller
        .success(APPOINTMENT_BOOKED, tenant, Some(input.client_id))
        .detail("appointment_id", row.appointment.id.to_string())
        .detail("modality", input.modality.as_str());
    record(&*tx, &event).await?;
    tx.commit().await?;
    Ok(row.appointment)
}

/// The clinician is a clinician of the practice and the client a client, as the directory
/// shows them to the caller (asked only about the people the caller's token does not vouch
/// for: a client booking for themself is a client).
async fn check_members(state: &AppState, caller: &Caller<'_>, tenant: TenantId, p: Parties) -> Result<(), Error> {
    let viewer = caller.viewer();
    let wanted = [(p.clinician, Role::Clinician, "clinician_id"), (p.client, Role::Client, "client_id")];
    let unknown: Vec<_> = wanted.iter().filter(|(user, role, _)| !viewer.is(*user, *role)).collect();
    if unknown.is_empty() {
        return Ok(());
    }
    let ids: Vec<UserId> = unknown.iter().map(|(user, _, _)| *user).collect();
    let directory = state.identity.roles_of(caller.token, tenant, &ids).await?;
    for (user, role, field) in unknown {
        let holds = directory.users.iter().any(|e| e.user_id == *user && e.roles.iter().any(|r| r == role.as_str()));
        if !holds {
            let reason = if *role == Role::Clinician {
                "is not a clinician of the practice"
            } else {
                "is not a client of the practice"
            };
            return Err(Error::invalid(field, reason));
        }
    }
    Ok(())
}

#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list(
    state: &AppState,
    caller: &Caller<'_>,
    tenant: TenantId,
    query: &AppointmentQuery,
) -> Result<AppointmentList, Error> {
    admit(state, caller, (tenant, Permission::AppointmentsRead, APPOINTMENTS_READ)).await?;
    check_window(query.from, query.to)?;
    let viewer = caller.viewer();
    let window = Window {
        from: query.from,
        to: query.to,
        everything: viewer.practice,
        as_clinician: viewer.clinician,
        as_client: viewer.client,
        clinician: query.clinician_id,
        client: query.client_id,
    };
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let rows = appointments::list(&tx, &window).await?;
    // The subject is the one client listed, and only when something of theirs was shown:
    // an empty answer to someone else's id says nothing about them.
    let subject = query.client_id.filter(|_| !rows.is_empty());
    let event = caller.success(APPOINTMENTS_READ, tenant, subject).detail("appointments", rows.len().to_string());
    record(&*tx, &event).await?;
    tx.commit().await?;
    Ok(AppointmentList { appointments: rows.into_iter().map(|r| r.appointment).collect() })
}

#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn get(state: &AppState, caller: &Caller<'_>, (tenant, id): (TenantId, Uuid)) -> Result<Appointment, Error> {
    admit(state, caller, (tenant, Permission::AppointmentsRead, APPOINTMENTS_READ)).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let row = reached(state, caller, &tx, (id, APPOINTMENTS_READ), false).await?;
    let event = caller
        .success(APPOINTMENTS_READ, tenant, Some(row.appointment.client_id))
        .detail("appointment_id", id.to_string());
    record(&*tx, &event).await?;
    tx.commit().await?;
    Ok(row.appointment)
}

#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn cancel(
    state: &AppState,
    caller: &Caller<'_>,
    (tenant, id): (TenantId, Uuid),
) -> Result<Appointment, Error> {
    let me = admit(state, caller, (tenant, Permission::AppointmentsBook, APPOINTMENT_CANCELLED)).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let row = reached(state, caller, &tx, (id, APPOINTMENT_CANCELLED), true).await?;
    if row.appointment.status == AppointmentStatus::Cancelled {
        return Err(Error::Conflict("the appointment is cancelled already"));
    }
    if row.appointment.ends_at <= chrono::Utc::now() {
        return Err(Error::Conflict("the appointment is over"));
    }
    let cancelled = appointments::cancel(&tx, id, me).await?;
    let client = Some(row.appointment.client_id);
    let event = caller.success(APPOINTMENT_CANCELLED, tenant, client).detail("appointment_id", id.to_string());
    record(&*tx, &event).await?;
    if row.recording {
        let stopped = caller
            .success(RECORDING_STOPPED, tenant, client)
            .detail("appointment_id", id.to_string())
            .detail("reason", "cancelled");
        record(&*tx, &stopped).await?;
    }
    tx.commit().await?;
    Ok(cancelled.appointment)
}

/// The appointment `id` (locked with `lock`) if the caller reaches it; NOT_FOUND otherwise
/// (whether it exists is not revealed), the refusal audited.
async fn reached(
    state: &AppState,
    caller: &Caller<'_>,
    tx: &TenantTx,
    (id, action): (Uuid, tp_audit_log::Action),
    lock: bool,
) -> Result<AppointmentRow, Error> {
    let row = appointments::get(tx, id, lock).await?.ok_or(Error::NotFound)?;
    if !caller.viewer().reaches(row.parties()) {
        return Err(refuse(state, caller, (action, row.appointment.client_id), Error::NotFound).await);
    }
    Ok(row)
}
