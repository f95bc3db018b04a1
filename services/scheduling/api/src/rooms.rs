//! The telehealth room of an appointment, as far as this issue goes: whether the session may
//! be recorded (the client's recording consent, asked of consent on every read, never kept)
//! and whether it is.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `GET …/room`, for the appointment's clinician and client. `recording_consented` is
/// consent's answer at this moment (false after a stop that could not ask it); a recording
/// whose consent was withdrawn is stopped by this very read, so `recording` is never true
/// without it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Room {
    pub appointment_id: Uuid,
    pub recording_consented: bool,
    pub recording: bool,
    /// When recording last started or stopped.
    pub recording_changed_at: Option<DateTime<Utc>>,
}

/// `PUT …/room/recording`: start (`true`) or stop (`false`). Starting answers 409
/// `SCHEDULING_RECORDING_NOT_CONSENTED` unless the client consented to recording now, and
/// 409 `SCHEDULING_CONFLICT` for a cancelled or ended appointment. Both are idempotent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordingInput {
    pub recording: bool,
}
