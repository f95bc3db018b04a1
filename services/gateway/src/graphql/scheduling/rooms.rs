//! Telehealth rooms in the schema: whether an appointment's session may be recorded (the
//! client's recording consent, which scheduling asks consent for on every read) and whether
//! it is, and the clinician starting or stopping the recording. Joining the video itself is
//! not here yet.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use tp_authz::Permission;
use tp_scheduling_api::rooms as wire;

use crate::graphql::context::{Require, request_ctx};
use crate::graphql::error::GqlError;
use crate::graphql::ids;
use crate::graphql::scheduling::scheduling;

/// The telehealth room of an appointment, as its clinician and client see it.
/// `recording` is never true without `recordingConsented`: a recording whose consent was
/// withdrawn stops by the very read that finds it so.
#[derive(SimpleObject)]
pub struct TelehealthRoom {
    /// The appointment the room belongs to.
    pub appointment_id: ID,
    /// Whether the client consents to session recording now (a signed recording consent
    /// not withdrawn).
    pub recording_consented: bool,
    /// Whether the session is being recorded.
    pub recording: bool,
    /// When recording last started or stopped; null if it never did.
    pub recording_changed_at: Option<DateTime<Utc>>,
}

impl From<wire::Room> for TelehealthRoom {
    fn from(r: wire::Room) -> Self {
        Self {
            appointment_id: ID(r.appointment_id.to_string()),
            recording_consented: r.recording_consented,
            recording: r.recording,
            recording_changed_at: r.recording_changed_at,
        }
    }
}

#[derive(Default)]
pub struct RoomsQuery;

#[Object]
impl RoomsQuery {
    /// The telehealth room of one of the caller's own appointments (its clinician or
    /// client).
    #[graphql(guard = "Require(Permission::RoomsJoin)")]
    async fn telehealth_room(&self, ctx: &Context<'_>, appointment_id: ID) -> Result<TelehealthRoom, GqlError> {
        let cx = request_ctx(ctx)?;
        let key = (cx.tenant()?, ids::uuid(&appointment_id, "appointment")?);
        Ok(scheduling(ctx)?.room(cx, key).await?.into())
    }
}

#[derive(Default)]
pub struct RoomsMutation;

#[Object]
impl RoomsMutation {
    /// The appointment's clinician starts (`true`) or stops (`false`) recording the session.
    /// Starting is CONFLICT unless the client consents to recording now, and for a
    /// cancelled or ended appointment. Both are idempotent.
    #[graphql(guard = "Require(Permission::RoomsRecord)")]
    async fn set_session_recording(
        &self,
        ctx: &Context<'_>,
        appointment_id: ID,
        recording: bool,
    ) -> Result<TelehealthRoom, GqlError> {
        let cx = request_ctx(ctx)?;
        let key = (cx.tenant()?, ids::uuid(&appointment_id, "appointment")?);
        let input = wire::RecordingInput { recording };
        Ok(scheduling(ctx)?.set_recording(cx, key, &input).await?.into())
    }
}
