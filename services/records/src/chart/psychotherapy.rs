//! Psychotherapy notes: a clinician's own notes about a client, kept apart from the chart
//! (HIPAA's separately protected kind). Only their author ever reads or edits them: not a
//! colleague on the care team, not a practice admin, not the client, not break-glass; no
//! chart view or export reads their table. Writing and reading also need the author to be
//! on the client's care team (`admit_clinical` with `PsychotherapyNotes`, a clinician's
//! permission only).
//!
//! The one exception: [`for_authorized_disclosure`], every author's notes for a disclosure
//! package the client approved under their authorization for psychotherapy notes (consent
//! decides it; `chart::disclosure` alone calls it).

use tp_audit_log::Action;
use tp_audit_log::action::records::{PSYCHOTHERAPY_NOTE_CREATED, PSYCHOTHERAPY_NOTE_READ, PSYCHOTHERAPY_NOTE_UPDATED};
use tp_authz::Permission;
use tp_db::TenantTx;
use tp_ids::{TenantId, UserId};
use tp_records_api::psychotherapy::{PsychotherapyNote, PsychotherapyNoteInput, PsychotherapyNoteList};
use uuid::Uuid;

use crate::audit::{Caller, record};
use crate::chart::access::{Reach, admit_clinical};
use crate::db::psychotherapy::{self as rows, PsychotherapyRow};
use crate::domain::note::MAX_SECTION_CHARS;
use crate::error::Error;
use crate::seal::TextSeal;
use crate::state::AppState;

const TABLE: &str = "records.psychotherapy_notes";

fn seal(state: &AppState, tenant: TenantId, note: Uuid) -> TextSeal<'_> {
    TextSeal { keyring: &state.keyring, tenant, table: TABLE, column: "body", row: note }
}

async fn admit(
    state: &AppState,
    caller: &Caller<'_>,
    (tenant, client): (TenantId, UserId),
    action: Action,
) -> Result<Reach, Error> {
    admit_clinical(state, caller, tenant, client, Permission::PsychotherapyNotes, action).await
}

fn text(input: &PsychotherapyNoteInput) -> Result<&str, Error> {
    if input.text.trim().is_empty() {
        return Err(Error::invalid("text", "empty"));
    }
    if input.text.chars().count() > MAX_SECTION_CHARS {
        return Err(Error::invalid("text", "too long"));
    }
    Ok(&input.text)
}

fn event(
    reach: Reach,
    caller: &Caller<'_>,
    action: Action,
    (tenant, client): (TenantId, UserId),
    note: Uuid,
) -> tp_audit_log::AuditEvent {
    reach.event(caller, action, tenant, client).detail("psychotherapy_note_id", note.to_string())
}

#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn create(
    state: &AppState,
    caller: &Caller<'_>,
    (tenant, client): (TenantId, UserId),
    input: PsychotherapyNoteInput,
) -> Result<PsychotherapyNote, Error> {
    let reach = admit(state, caller, (tenant, client), PSYCHOTHERAPY_NOTE_CREATED).await?;
    let id = Uuid::now_v7();
    let body = seal(state, tenant, id).seal(text(&input)?).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let row = rows::insert(&tx, (client, reach.user()), id, body).await?;
    record(&*tx, &event(reach, caller, PSYCHOTHERAPY_NOTE_CREATED, (tenant, client), id)).await?;
    tx.commit().await?;
    Ok(wire(row, input.text))
}

/// Replaces the text of one of the caller's own notes; anyone else's is NOT_FOUND.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn update(
    state: &AppState,
    caller: &Caller<'_>,
    (tenant, client): (TenantId, UserId),
    note: Uuid,
    input: PsychotherapyNoteInput,
) -> Result<PsychotherapyNote, Error> {
    let reach = admit(state, caller, (tenant, client), PSYCHOTHERAPY_NOTE_UPDATED).await?;
    let body = seal(state, tenant, note).seal(text(&input)?).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let row = rows::update(&tx, (client, reach.user()), note, body).await?.ok_or(Error::NotFound)?;
    record(&*tx, &event(reach, caller, PSYCHOTHERAPY_NOTE_UPDATED, (tenant, client), note)).await?;
    tx.commit().await?;
    Ok(wire(row, input.text))
}

/// One of the caller's own notes; anyone else's is NOT_FOUND.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn read(
    state: &AppState,
    caller: &Caller<'_>,
    (tenant, client): (TenantId, UserId),
    note: Uuid,
) -> Result<PsychotherapyNote, Error> {
    let reach = admit(state, caller, (tenant, client), PSYCHOTHERAPY_NOTE_READ).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let row = rows::get(&tx, (client, reach.user()), note).await?.ok_or(Error::NotFound)?;
    let text = seal(state, tenant, note).open(&row.body).await?;
    record(&*tx, &event(reach, caller, PSYCHOTHERAPY_NOTE_READ, (tenant, client), note)).await?;
    tx.commit().await?;
    Ok(wire(row, text))
}

/// The caller's own notes about the client, oldest first; one audit event for the list.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list(
    state: &AppState,
    caller: &Caller<'_>,
    (tenant, client): (TenantId, UserId),
) -> Result<PsychotherapyNoteList, Error> {
    let reach = admit(state, caller, (tenant, client), PSYCHOTHERAPY_NOTE_READ).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let mut notes = Vec::new();
    for row in rows::list(&tx, (client, reach.user())).await? {
        let text = seal(state, tenant, row.id).open(&row.body).await?;
        notes.push(wire(row, text));
    }
    let event = reach.event(caller, PSYCHOTHERAPY_NOTE_READ, tenant, client).detail("notes", notes.len().to_string());
    record(&*tx, &event).await?;
    tx.commit().await?;
    Ok(PsychotherapyNoteList { notes })
}

/// Every author's notes about the client, decrypted, oldest first, read in the caller's
/// transaction: only for a disclosure package, which has asked consent's decision and
/// audits the access (`chart::disclosure`). HIPAA lets psychotherapy notes be disclosed under
/// an authorization specific to them (45 CFR 164.508(a)(2)); the author-only rule stays
/// for every other path.
pub(crate) async fn for_authorized_disclosure(
    state: &AppState,
    tx: &TenantTx,
    client: UserId,
) -> Result<Vec<PsychotherapyNote>, Error> {
    let mut notes = Vec::new();
    for row in rows::every_author_for_authorized_disclosure(tx, client).await? {
        let text = seal(state, tx.tenant(), row.id).open(&row.body).await?;
        notes.push(wire(row, text));
    }
    Ok(notes)
}

fn wire(row: PsychotherapyRow, text: String) -> PsychotherapyNote {
    PsychotherapyNote {
        id: row.id,
        client_id: row.client,
        author_id: row.author,
        text,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}
