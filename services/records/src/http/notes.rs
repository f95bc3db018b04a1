//! `/v1/tenants/{t}/clients/{c}/notes…`: progress notes (list, create, read, edit a draft,
//! sign, amend). Handlers parse ids (a malformed one is NOT_FOUND, like an unknown one), call
//! one note operation and return its answer as JSON.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use tp_records_api::notes::{Note, NoteInput, NoteList};

use super::caller::ApiCaller;
use super::{ids, note_ids};
use crate::chart::notes;
use crate::error::Error;
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/tenants/{tenant}/clients/{client}/notes", get(list).post(create))
        .route("/v1/tenants/{tenant}/clients/{client}/notes/{note}", get(read).put(update))
        .route("/v1/tenants/{tenant}/clients/{client}/notes/{note}/sign", post(sign))
        .route("/v1/tenants/{tenant}/clients/{client}/notes/{note}/amendments", post(amend))
}

/// A body that is not a note at all is refused before access is decided.
fn input(body: Result<Json<NoteInput>, JsonRejection>) -> Result<NoteInput, Error> {
    body.map(|Json(input)| input).map_err(|_| Error::invalid("body", "not a note"))
}

async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client)): Path<(String, String)>,
) -> Result<Json<NoteList>, Error> {
    let (tenant, client) = ids(&tenant, &client)?;
    Ok(Json(notes::list(&state, &caller.caller(), tenant, client).await?))
}

async fn create(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client)): Path<(String, String)>,
    body: Result<Json<NoteInput>, JsonRejection>,
) -> Result<(StatusCode, Json<Note>), Error> {
    let (tenant, client) = ids(&tenant, &client)?;
    Ok((StatusCode::CREATED, Json(notes::create(&state, &caller.caller(), tenant, client, input(body)?).await?)))
}

async fn read(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client, note)): Path<(String, String, String)>,
) -> Result<Json<Note>, Error> {
    let (tenant, client, note) = note_ids(&tenant, &client, &note)?;
    Ok(Json(notes::read(&state, &caller.caller(), tenant, (client, note)).await?))
}

async fn update(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client, note)): Path<(String, String, String)>,
    body: Result<Json<NoteInput>, JsonRejection>,
) -> Result<Json<Note>, Error> {
    let (tenant, client, note) = note_ids(&tenant, &client, &note)?;
    Ok(Json(notes::update(&state, &caller.caller(), tenant, (client, note), input(body)?).await?))
}

async fn sign(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client, note)): Path<(String, String, String)>,
) -> Result<Json<Note>, Error> {
    let (tenant, client, note) = note_ids(&tenant, &client, &note)?;
    Ok(Json(notes::sign(&state, &caller.caller(), tenant, (client, note)).await?))
}

async fn amend(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client, note)): Path<(String, String, String)>,
    body: Result<Json<NoteInput>, JsonRejection>,
) -> Result<(StatusCode, Json<Note>), Error> {
    let (tenant, client, note) = note_ids(&tenant, &client, &note)?;
    Ok((StatusCode::CREATED, Json(notes::amend(&state, &caller.caller(), tenant, client, note, input(body)?).await?)))
}
