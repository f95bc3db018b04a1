//! `/v1/tenants/{t}/clients/{c}/psychotherapy-notes…`: the caller's own psychotherapy notes
//! (list, write, read, edit). A malformed id is NOT_FOUND, like an unknown one.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use tp_records_api::psychotherapy::{PsychotherapyNote, PsychotherapyNoteInput, PsychotherapyNoteList};

use super::caller::ApiCaller;
use super::{ids, note_ids};
use crate::chart::psychotherapy;
use crate::error::Error;
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/tenants/{tenant}/clients/{client}/psychotherapy-notes", get(list).post(create))
        .route("/v1/tenants/{tenant}/clients/{client}/psychotherapy-notes/{note}", get(read).put(update))
}

fn input(body: Result<Json<PsychotherapyNoteInput>, JsonRejection>) -> Result<PsychotherapyNoteInput, Error> {
    body.map(|Json(input)| input).map_err(|_| Error::invalid("body", "not a psychotherapy note"))
}

async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client)): Path<(String, String)>,
) -> Result<Json<PsychotherapyNoteList>, Error> {
    Ok(Json(psychotherapy::list(&state, &caller.caller(), ids(&tenant, &client)?).await?))
}

async fn create(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client)): Path<(String, String)>,
    body: Result<Json<PsychotherapyNoteInput>, JsonRejection>,
) -> Result<(StatusCode, Json<PsychotherapyNote>), Error> {
    let note = psychotherapy::create(&state, &caller.caller(), ids(&tenant, &client)?, input(body)?).await?;
    Ok((StatusCode::CREATED, Json(note)))
}

async fn read(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client, note)): Path<(String, String, String)>,
) -> Result<Json<PsychotherapyNote>, Error> {
    let (tenant, client, note) = note_ids(&tenant, &client, &note)?;
    Ok(Json(psychotherapy::read(&state, &caller.caller(), (tenant, client), note).await?))
}

async fn update(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client, note)): Path<(String, String, String)>,
    body: Result<Json<PsychotherapyNoteInput>, JsonRejection>,
) -> Result<Json<PsychotherapyNote>, Error> {
    let (tenant, client, note) = note_ids(&tenant, &client, &note)?;
    Ok(Json(psychotherapy::update(&state, &caller.caller(), (tenant, client), note, input(body)?).await?))
}
