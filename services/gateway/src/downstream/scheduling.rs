//! Typed calls to scheduling's API, with the wire types of `tp_scheduling_api`.
//! Appointments and rooms only; scheduling decides who reaches which (and asks consent
//! whether a booking or a recording may go ahead), the gateway only forwards.

use reqwest::Method;
use tp_ids::TenantId;
use tp_scheduling_api::appointments::{Appointment, AppointmentList, AppointmentQuery, BookInput};
use tp_scheduling_api::paths;
use tp_scheduling_api::rooms::{RecordingInput, Room};
use uuid::Uuid;

use crate::downstream::Downstream;
use crate::graphql::context::RequestCtx;
use crate::graphql::error::GqlError;

#[derive(Clone)]
pub struct SchedulingClient(pub Downstream);

impl SchedulingClient {
    pub async fn appointments(
        &self,
        cx: &RequestCtx,
        tenant: TenantId,
        query: &AppointmentQuery,
    ) -> Result<AppointmentList, GqlError> {
        self.0.get(cx, &format!("{}?{}", paths::appointments(tenant), query_string(query))).await
    }

    pub async fn appointment(
        &self,
        cx: &RequestCtx,
        (tenant, appointment): (TenantId, Uuid),
    ) -> Result<Appointment, GqlError> {
        self.0.get(cx, &paths::appointment(tenant, appointment)).await
    }

    pub async fn book(&self, cx: &RequestCtx, tenant: TenantId, input: &BookInput) -> Result<Appointment, GqlError> {
        self.0.send_json(cx, Method::POST, &paths::appointments(tenant), input).await
    }

    pub async fn cancel(
        &self,
        cx: &RequestCtx,
        (tenant, appointment): (TenantId, Uuid),
    ) -> Result<Appointment, GqlError> {
        self.0.send_empty(cx, Method::POST, &paths::cancellation(tenant, appointment)).await
    }

    pub async fn room(&self, cx: &RequestCtx, (tenant, appointment): (TenantId, Uuid)) -> Result<Room, GqlError> {
        self.0.get(cx, &paths::room(tenant, appointment)).await
    }

    pub async fn set_recording(
        &self,
        cx: &RequestCtx,
        (tenant, appointment): (TenantId, Uuid),
        input: &RecordingInput,
    ) -> Result<Room, GqlError> {
        self.0.send_json(cx, Method::PUT, &paths::recording(tenant, appointment), input).await
    }
}

/// The window and filters as query parameters, encoded: an RFC 3339 offset's `+` would
/// otherwise read as a space.
fn query_string(query: &AppointmentQuery) -> String {
    let mut encoded = url::form_urlencoded::Serializer::new(String::new());
    encoded.append_pair("from", &query.from.to_rfc3339());
    encoded.append_pair("to", &query.to.to_rfc3339());
    for (name, value) in [("clinician_id", query.clinician_id), ("client_id", query.client_id)] {
        if let Some(value) = value {
            encoded.append_pair(name, &value.to_string());
        }
    }
    encoded.finish()
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone as _, Utc};
    use tp_ids::UserId;

    use super::*;

    #[test]
    fn the_window_and_filters_are_encoded_as_scheduling_reads_them() {
        let from = Utc.with_ymd_and_hms(2030, 1, 1, 9, 0, 0).unwrap();
        let to = Utc.with_ymd_and_hms(2030, 1, 8, 9, 0, 0).unwrap();
        let client = UserId::generate();
        let query = AppointmentQuery { from, to, clinician_id: None, client_id: Some(client) };
        assert_eq!(
            query_string(&query),
            format!("from=2030-01-01T09%3A00%3A00%2B00%3A00&to=2030-01-08T09%3A00%3A00%2B00%3A00&client_id={client}")
        );
    }
}
