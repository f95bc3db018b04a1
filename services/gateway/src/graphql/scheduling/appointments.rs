//! Appointments in the schema: the appointments of a window as far as the caller reaches
//! (a clinician their own schedule, a client their own, admins and staff the practice's),
//! one appointment, booking and cancelling. Ids and times only: a reason for the visit
//! would be clinical content and belongs in the chart, not here.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use tp_authz::Permission;
use tp_scheduling_api::appointments as wire;

use crate::graphql::context::{Require, request_ctx};
use crate::graphql::error::GqlError;
use crate::graphql::ids;
use crate::graphql::scheduling::scheduling;

/// How the session takes place.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "tp_scheduling_api::appointments::Modality")]
pub enum AppointmentModality {
    /// At the practice.
    InPerson,
    /// By video, in the appointment's telehealth room.
    Telehealth,
}

/// Where an appointment stands. A cancelled appointment stays listed, with `cancelledAt`.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "tp_scheduling_api::appointments::AppointmentStatus")]
pub enum AppointmentStatus {
    /// Booked and not cancelled (past appointments too).
    Booked,
    /// Cancelled; its slot is free again.
    Cancelled,
}

/// An appointment between a clinician and a client of the practice.
#[derive(SimpleObject)]
pub struct Appointment {
    /// The appointment's id, also its telehealth room's.
    pub id: ID,
    /// The client who attends.
    pub client_id: ID,
    /// The clinician who holds the session.
    pub clinician_id: ID,
    /// When the session starts.
    pub starts_at: DateTime<Utc>,
    /// When the session ends (5 minutes to 8 hours after it starts).
    pub ends_at: DateTime<Utc>,
    /// In person or by telehealth.
    pub modality: AppointmentModality,
    /// Booked, or cancelled.
    pub status: AppointmentStatus,
    /// Who booked it: the client themself, or a member of the practice.
    pub booked_by: ID,
    /// When it was booked.
    pub booked_at: DateTime<Utc>,
    /// When it was cancelled, if it was.
    pub cancelled_at: Option<DateTime<Utc>>,
}

impl From<wire::Appointment> for Appointment {
    fn from(a: wire::Appointment) -> Self {
        Self {
            id: ID(a.id.to_string()),
            client_id: ID(a.client_id.to_string()),
            clinician_id: ID(a.clinician_id.to_string()),
            starts_at: a.starts_at,
            ends_at: a.ends_at,
            modality: a.modality.into(),
            status: a.status.into(),
            booked_by: ID(a.booked_by.to_string()),
            booked_at: a.booked_at,
            cancelled_at: a.cancelled_at,
        }
    }
}

/// An appointment to book. It starts in the future (at most 400 days ahead) and lasts 5
/// minutes to 8 hours; the client must have signed every consent document the practice
/// requires first.
#[derive(InputObject)]
pub struct BookAppointmentInput {
    /// The client who attends (a client books for themself only).
    pub client_id: ID,
    /// The clinician who holds the session (a clinician books their own sessions only).
    pub clinician_id: ID,
    /// When the session starts.
    pub starts_at: DateTime<Utc>,
    /// When it ends.
    pub ends_at: DateTime<Utc>,
    /// In person or by telehealth.
    pub modality: AppointmentModality,
}

#[derive(Default)]
pub struct AppointmentsQuery;

#[Object]
impl AppointmentsQuery {
    /// The appointments starting in `[from, to)` (at most 92 days), booked and cancelled,
    /// earliest first, as far as the caller reaches: a clinician their own schedule, a
    /// client their own appointments, admins and staff the practice's. `clinicianId` and
    /// `clientId` narrow what the caller reaches, never widen it.
    #[graphql(guard = "Require(Permission::AppointmentsRead)")]
    async fn appointments(
        &self,
        ctx: &Context<'_>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        clinician_id: Option<ID>,
        client_id: Option<ID>,
    ) -> Result<Vec<Appointment>, GqlError> {
        let cx = request_ctx(ctx)?;
        let query = wire::AppointmentQuery {
            from,
            to,
            clinician_id: clinician_id.as_ref().map(ids::user_id).transpose()?,
            client_id: client_id.as_ref().map(ids::user_id).transpose()?,
        };
        let list = scheduling(ctx)?.appointments(cx, cx.tenant()?, &query).await?;
        Ok(list.appointments.into_iter().map(Into::into).collect())
    }

    /// One appointment, for its clinician and client and the practice's admins and staff.
    #[graphql(guard = "Require(Permission::AppointmentsRead)")]
    async fn appointment(&self, ctx: &Context<'_>, id: ID) -> Result<Appointment, GqlError> {
        let cx = request_ctx(ctx)?;
        let key = (cx.tenant()?, ids::uuid(&id, "appointment")?);
        Ok(scheduling(ctx)?.appointment(cx, key).await?.into())
    }
}

#[derive(Default)]
pub struct AppointmentsMutation;

#[Object]
impl AppointmentsMutation {
    /// Books an appointment. CONFLICT, with a message naming the documents, until the client
    /// signed every consent document the practice requires; CONFLICT too when the clinician
    /// or the client already has an appointment overlapping it.
    #[graphql(guard = "Require(Permission::AppointmentsBook)")]
    async fn book_appointment(&self, ctx: &Context<'_>, input: BookAppointmentInput) -> Result<Appointment, GqlError> {
        let cx = request_ctx(ctx)?;
        let input = wire::BookInput {
            client_id: ids::user_id(&input.client_id)?,
            clinician_id: ids::user_id(&input.clinician_id)?,
            starts_at: input.starts_at,
            ends_at: input.ends_at,
            modality: input.modality.into(),
        };
        Ok(scheduling(ctx)?.book(cx, cx.tenant()?, &input).await?.into())
    }

    /// Cancels a booked appointment (a cancelled one is CONFLICT); a recording in progress
    /// stops.
    #[graphql(guard = "Require(Permission::AppointmentsBook)")]
    async fn cancel_appointment(&self, ctx: &Context<'_>, id: ID) -> Result<Appointment, GqlError> {
        let cx = request_ctx(ctx)?;
        let key = (cx.tenant()?, ids::uuid(&id, "appointment")?);
        Ok(scheduling(ctx)?.cancel(cx, key).await?.into())
    }
}
