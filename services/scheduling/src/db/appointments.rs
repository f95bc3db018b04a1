//! `scheduling.appointments` (RLS): insert, read (one, under a row lock, or a window) and the
//! two state changes, cancellation and recording. An overlap refused by the exclusion
//! constraints is [`Error::SlotTaken`].

use std::ops::Deref as _;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait as _, DbErr, QueryResult, RuntimeErr, Value};
use tp_db::TenantTx;
use tp_ids::UserId;
use tp_scheduling_api::appointments::{Appointment, AppointmentStatus, BookInput, Modality};
use uuid::Uuid;

use super::{stmt, tenant};
use crate::domain::reach::Parties;
use crate::error::Error;

const COLUMNS: &str = "id, client_id, clinician_id, starts_at, ends_at, modality, status, booked_by, booked_at, \
                       cancelled_at, recording, recording_changed_at";

/// A stored appointment with its room's recording state.
#[derive(Debug, Clone)]
pub struct AppointmentRow {
    pub appointment: Appointment,
    pub recording: bool,
    pub recording_changed_at: Option<DateTime<Utc>>,
}

impl AppointmentRow {
    pub fn parties(&self) -> Parties {
        Parties { client: self.appointment.client_id, clinician: self.appointment.clinician_id }
    }
}

fn row(r: &QueryResult) -> Result<AppointmentRow, Error> {
    let text = |column: &str| -> Result<String, Error> { Ok(r.try_get("", column)?) };
    let bad = |what: &str| Error::Internal(anyhow::anyhow!("scheduling.appointments: unknown {what}"));
    let modality = Modality::parse(&text("modality")?).ok_or_else(|| bad("modality"))?;
    let status = AppointmentStatus::parse(&text("status")?).ok_or_else(|| bad("status"))?;
    let appointment = Appointment {
        id: r.try_get("", "id")?,
        client_id: UserId::from_uuid(r.try_get("", "client_id")?),
        clinician_id: UserId::from_uuid(r.try_get("", "clinician_id")?),
        starts_at: r.try_get("", "starts_at")?,
        ends_at: r.try_get("", "ends_at")?,
        modality,
        status,
        booked_by: UserId::from_uuid(r.try_get("", "booked_by")?),
        booked_at: r.try_get("", "booked_at")?,
        cancelled_at: r.try_get("", "cancelled_at")?,
    };
    Ok(AppointmentRow {
        appointment,
        recording: r.try_get("", "recording")?,
        recording_changed_at: r.try_get("", "recording_changed_at")?,
    })
}

fn one(found: Option<QueryResult>) -> Result<AppointmentRow, Error> {
    row(&found.ok_or_else(|| Error::Internal(anyhow::anyhow!("a write returned no row")))?)
}

/// Whether `err` is PostgreSQL's exclusion violation (`23P01`): an overlapping booking.
fn is_overlap(err: &DbErr) -> bool {
    match err {
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            matches!(e.deref(), sea_orm::sqlx::Error::Database(db) if db.code().as_deref() == Some("23P01"))
        }
        _ => false,
    }
}

pub async fn insert(tx: &TenantTx, input: &BookInput, booked_by: UserId) -> Result<AppointmentRow, Error> {
    let sql = format!(
        "insert into scheduling.appointments (tenant_id, id, client_id, clinician_id, starts_at, ends_at, modality, \
         booked_by) values ($1, $2, $3, $4, $5, $6, $7, $8) returning {COLUMNS}"
    );
    let values: [Value; 8] = [
        tenant(tx),
        Uuid::new_v4().into(),
        (*input.client_id.as_uuid()).into(),
        (*input.clinician_id.as_uuid()).into(),
        input.starts_at.into(),
        input.ends_at.into(),
        input.modality.as_str().into(),
        (*booked_by.as_uuid()).into(),
    ];
    match tx.query_one_raw(stmt(&sql, values)).await {
        Ok(found) => one(found),
        Err(e) if is_overlap(&e) => Err(Error::SlotTaken),
        Err(e) => Err(e.into()),
    }
}

/// One appointment; with `lock`, locked for the rest of the transaction (a cancellation and
/// a recording change never interleave).
pub async fn get(tx: &TenantTx, id: Uuid, lock: bool) -> Result<Option<AppointmentRow>, Error> {
    let lock = if lock { " for update" } else { "" };
    let sql = format!("select {COLUMNS} from scheduling.appointments where tenant_id = $1 and id = $2{lock}");
    tx.query_one_raw(stmt(&sql, [tenant(tx), id.into()])).await?.as_ref().map(row).transpose()
}

/// Who a list may show: everything, or the rows where the caller is the clinician or the
/// client (either may be absent), narrowed by the optional filters.
pub struct Window {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub everything: bool,
    pub as_clinician: Option<UserId>,
    pub as_client: Option<UserId>,
    pub clinician: Option<UserId>,
    pub client: Option<UserId>,
}

/// The appointments starting in the window that the caller reaches, earliest first.
pub async fn list(tx: &TenantTx, w: &Window) -> Result<Vec<AppointmentRow>, Error> {
    let id = |user: Option<UserId>| -> Value { user.map(|u| *u.as_uuid()).into() };
    let sql = format!(
        "select {COLUMNS} from scheduling.appointments where tenant_id = $1 and starts_at >= $2 and starts_at < $3 \
         and ($4 or clinician_id = $5 or client_id = $6) \
         and ($7::uuid is null or clinician_id = $7) and ($8::uuid is null or client_id = $8) \
         order by starts_at, id"
    );
    let values: [Value; 8] = [
        tenant(tx),
        w.from.into(),
        w.to.into(),
        w.everything.into(),
        id(w.as_clinician),
        id(w.as_client),
        id(w.clinician),
        id(w.client),
    ];
    tx.query_all_raw(stmt(&sql, values)).await?.iter().map(row).collect()
}

/// Cancels a booked appointment, stopping a recording with it.
pub async fn cancel(tx: &TenantTx, id: Uuid, by: UserId) -> Result<AppointmentRow, Error> {
    let sql = format!(
        "update scheduling.appointments set status = 'cancelled', cancelled_by = $3, cancelled_at = now(), \
         recording = false, recording_changed_by = case when recording then $3 else recording_changed_by end, \
         recording_changed_at = case when recording then now() else recording_changed_at end \
         where tenant_id = $1 and id = $2 and status = 'booked' returning {COLUMNS}"
    );
    one(tx.query_one_raw(stmt(&sql, [tenant(tx), id.into(), (*by.as_uuid()).into()])).await?)
}

/// Turns the room's recording on or off.
pub async fn set_recording(tx: &TenantTx, id: Uuid, on: bool, by: UserId) -> Result<AppointmentRow, Error> {
    let sql = format!(
        "update scheduling.appointments set recording = $3, recording_changed_by = $4, recording_changed_at = now() \
         where tenant_id = $1 and id = $2 returning {COLUMNS}"
    );
    one(tx.query_one_raw(stmt(&sql, [tenant(tx), id.into(), on.into(), (*by.as_uuid()).into()])).await?)
}
