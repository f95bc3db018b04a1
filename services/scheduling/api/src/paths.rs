//! The URL paths of scheduling's API.

use tp_ids::TenantId;
use uuid::Uuid;

/// `GET`: appointments in a window ([`crate::appointments::AppointmentQuery`]), as far as
/// the caller reaches. `POST`: book one ([`crate::appointments::BookInput`]).
pub fn appointments(tenant: TenantId) -> String {
    format!("/v1/tenants/{tenant}/appointments")
}

/// `GET`: one appointment.
pub fn appointment(tenant: TenantId, appointment: Uuid) -> String {
    format!("/v1/tenants/{tenant}/appointments/{appointment}")
}

/// `POST`: cancel a booked appointment (twice is 409). A recording in progress stops.
pub fn cancellation(tenant: TenantId, appointment: Uuid) -> String {
    format!("/v1/tenants/{tenant}/appointments/{appointment}/cancellation")
}

/// `GET`: the telehealth room of an appointment, for its clinician and client.
pub fn room(tenant: TenantId, appointment: Uuid) -> String {
    format!("/v1/tenants/{tenant}/appointments/{appointment}/room")
}

/// `PUT`: start or stop recording the session ([`crate::rooms::RecordingInput`]), its
/// clinician only.
pub fn recording(tenant: TenantId, appointment: Uuid) -> String {
    format!("/v1/tenants/{tenant}/appointments/{appointment}/room/recording")
}
