//! HTTP surface of scheduling: the `/v1` JSON API the gateway calls with the caller's token.
//! Paths are `tp_scheduling_api::paths`.

mod caller;

use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use tp_ids::TenantId;
use tp_scheduling_api::appointments::{Appointment, AppointmentList, AppointmentQuery, BookInput};
use tp_scheduling_api::rooms::{RecordingInput, Room};
use uuid::Uuid;

use self::caller::ApiCaller;
use crate::error::Error;
use crate::state::AppState;
use crate::{appointments, rooms};

pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route("/v1/tenants/{tenant}/appointments", get(list).post(book))
        .route("/v1/tenants/{tenant}/appointments/{appointment}", get(read))
        .route("/v1/tenants/{tenant}/appointments/{appointment}/cancellation", post(cancel))
        .route("/v1/tenants/{tenant}/appointments/{appointment}/room", get(room))
        .route("/v1/tenants/{tenant}/appointments/{appointment}/room/recording", put(recording))
        .with_state(state)
}

async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(tenant): Path<String>,
    query: Result<Query<AppointmentQuery>, QueryRejection>,
) -> Result<Json<AppointmentList>, Error> {
    // Never serde's message: it would quote the value.
    let Query(query) = query.map_err(|_| Error::invalid("query", "from and to (RFC 3339) and optional ids"))?;
    Ok(Json(appointments::list(&state, &caller.caller(), tenant_id(&tenant)?, &query).await?))
}

async fn book(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(tenant): Path<String>,
    Body(input): Body<BookInput>,
) -> Result<(axum::http::StatusCode, Json<Appointment>), Error> {
    let booked = appointments::book(&state, &caller.caller(), tenant_id(&tenant)?, &input).await?;
    Ok((axum::http::StatusCode::CREATED, Json(booked)))
}

async fn read(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(ids): Path<(String, String)>,
) -> Result<Json<Appointment>, Error> {
    Ok(Json(appointments::get(&state, &caller.caller(), appointment_ids(&ids)?).await?))
}

async fn cancel(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(ids): Path<(String, String)>,
) -> Result<Json<Appointment>, Error> {
    Ok(Json(appointments::cancel(&state, &caller.caller(), appointment_ids(&ids)?).await?))
}

async fn room(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(ids): Path<(String, String)>,
) -> Result<Json<Room>, Error> {
    Ok(Json(rooms::read(&state, &caller.caller(), appointment_ids(&ids)?).await?))
}

async fn recording(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(ids): Path<(String, String)>,
    Body(input): Body<RecordingInput>,
) -> Result<Json<Room>, Error> {
    Ok(Json(rooms::set_recording(&state, &caller.caller(), appointment_ids(&ids)?, input.recording).await?))
}

/// The practice of a path; a malformed id is NOT_FOUND, like an unknown one.
fn tenant_id(tenant: &str) -> Result<TenantId, Error> {
    TenantId::parse(tenant).map_err(|_| Error::NotFound)
}

/// The practice and appointment of a path.
fn appointment_ids((tenant, appointment): &(String, String)) -> Result<(TenantId, Uuid), Error> {
    Ok((tenant_id(tenant)?, Uuid::parse_str(appointment).map_err(|_| Error::NotFound)?))
}

/// A JSON request body of the expected shape, or 400 `SCHEDULING_INVALID_INPUT` (never
/// quoting the body nor serde's message).
struct Body<T>(T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(_) => Err(Error::invalid("body", "not JSON of the expected shape")),
        }
    }
}
