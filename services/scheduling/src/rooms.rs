//! The telehealth room of an appointment: its state for the two participants, and recording,
//! which the clinician turns on only with the client's recording consent.
//!
//! consent is asked on every read and every start, with the caller's own token; nothing is
//! kept. A read that finds a recording whose consent was withdrawn stops it then and there
//! (audited with reason `consent_withdrawn`), so a room never shows `recording` without
//! consent. The consent call happens between two short transactions, never inside one.
//!
//! Not here yet: join tokens, the waiting room and signalling (the room's media); this is
//! the state those will read.

use chrono::Utc;
use tp_audit_log::Action;
use tp_audit_log::action::scheduling::{RECORDING_STARTED, RECORDING_STOPPED, ROOM_READ};
use tp_authz::Permission;
use tp_db::TenantTx;
use tp_ids::{TenantId, UserId};
use tp_scheduling_api::appointments::{AppointmentStatus, Modality};
use tp_scheduling_api::rooms::Room;
use uuid::Uuid;

use crate::access::{admit, refuse};
use crate::audit::{Caller, record};
use crate::db::appointments::{self, AppointmentRow};
use crate::domain::reach::Participant;
use crate::error::Error;
use crate::state::AppState;

#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn read(state: &AppState, caller: &Caller<'_>, (tenant, id): (TenantId, Uuid)) -> Result<Room, Error> {
    let me = admit(state, caller, (tenant, Permission::RoomsJoin, ROOM_READ)).await?;
    let (client, _) = participant(state, caller, (tenant, id), ROOM_READ).await?;
    let consented = state.consent.readiness(caller.token, (tenant, client)).await?.recording_consented;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    // Locked only when this read may have to stop a recording: reads by the two
    // participants do not queue behind each other.
    let mut row = appointments::get(&tx, id, !consented).await?.ok_or(Error::NotFound)?;
    if row.recording && !consented {
        row = appointments::set_recording(&tx, id, false, me).await?;
        record(&*tx, &stopped(caller, (tenant, &row), "consent_withdrawn")).await?;
    }
    let event = caller.success(ROOM_READ, tenant, Some(client)).detail("appointment_id", id.to_string());
    record(&*tx, &event).await?;
    tx.commit().await?;
    Ok(room(&row, consented))
}

/// Starts (`on`) or stops recording, the session's clinician only. Starting needs the
/// client's recording consent now and a booked session that has not ended; stopping works
/// even when consent cannot be asked.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn set_recording(
    state: &AppState,
    caller: &Caller<'_>,
    (tenant, id): (TenantId, Uuid),
    on: bool,
) -> Result<Room, Error> {
    let action = if on { RECORDING_STARTED } else { RECORDING_STOPPED };
    let me = admit(state, caller, (tenant, Permission::RoomsRecord, action)).await?;
    let (client, who) = participant(state, caller, (tenant, id), action).await?;
    if who != Participant::Clinician {
        return Err(refuse(state, caller, (action, client), Error::Forbidden).await);
    }
    // Stopping never depends on consent: without its answer, "consented" is false.
    let consented = match (on, state.consent.readiness(caller.token, (tenant, client)).await) {
        (_, Ok(readiness)) if readiness.recording_consented => true,
        (true, Ok(_)) => return Err(Error::RecordingNotConsented),
        (true, Err(e)) => return Err(e),
        (false, Ok(_)) => false,
        (false, Err(e)) => {
            tracing::warn!(error = %tp_errors::error_chain(&e), "recording stopped without consent's answer");
            false
        }
    };
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let mut row = appointments::get(&tx, id, true).await?.ok_or(Error::NotFound)?;
    if row.recording != on {
        if on {
            ensure_open(&row)?;
        }
        row = appointments::set_recording(&tx, id, on, me).await?;
        let event = if on {
            caller.success(RECORDING_STARTED, tenant, Some(client)).detail("appointment_id", id.to_string())
        } else {
            stopped(caller, (tenant, &row), "clinician")
        };
        record(&*tx, &event).await?;
    }
    tx.commit().await?;
    Ok(room(&row, consented))
}

/// The client of telehealth appointment `id` and how the caller takes part in it. Someone
/// who takes no part gets NOT_FOUND (audited), like an unknown id.
async fn participant(
    state: &AppState,
    caller: &Caller<'_>,
    (tenant, id): (TenantId, Uuid),
    action: Action,
) -> Result<(UserId, Participant), Error> {
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let row = appointments::get(&tx, id, false).await?.ok_or(Error::NotFound)?;
    tx.commit().await?;
    let client = row.appointment.client_id;
    let Some(who) = caller.viewer().participant(row.parties()) else {
        return Err(refuse(state, caller, (action, client), Error::NotFound).await);
    };
    if row.appointment.modality != Modality::Telehealth {
        return Err(Error::Conflict("an in-person appointment has no telehealth room"));
    }
    Ok((client, who))
}

/// A recording may start only in a booked session that has not ended.
fn ensure_open(row: &AppointmentRow) -> Result<(), Error> {
    if row.appointment.status != AppointmentStatus::Booked {
        return Err(Error::Conflict("the appointment is cancelled"));
    }
    if row.appointment.ends_at <= Utc::now() {
        return Err(Error::Conflict("the session has ended"));
    }
    Ok(())
}

fn stopped(
    caller: &Caller<'_>,
    (tenant, row): (TenantId, &AppointmentRow),
    reason: &'static str,
) -> tp_audit_log::AuditEvent {
    caller
        .success(RECORDING_STOPPED, tenant, Some(row.appointment.client_id))
        .detail("appointment_id", row.appointment.id.to_string())
        .detail("reason", reason)
}

fn room(row: &AppointmentRow, consented: bool) -> Room {
    Room {
        appointment_id: row.appointment.id,
        recording_consented: consented,
        recording: row.recording,
        recording_changed_at: row.recording_changed_at,
    }
}
