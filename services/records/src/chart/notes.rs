//! Progress notes: drafting, editing and signing by their author, amending a signed note,
//! and reading them. Every operation is admitted by [`admit_notes`] (role, then care team:
//! practice admins too, since notes are clinical content), and its row work and audit event
//! share one `TenantTx` (fail closed). Bodies are sealed before the transaction opens, so no
//! connection is held while Vault is asked for keys.
//!
//! Not here: psychotherapy notes, the client's own view of notes, break-glass.

use anyhow::anyhow;
use tp_audit_log::Action;
use tp_audit_log::action::records::{NOTE_AMENDED, NOTE_CREATED, NOTE_READ, NOTE_SIGNED, NOTE_UPDATED};
use tp_authz::Permission;
use tp_db::TenantTx;
use tp_ids::{TenantId, UserId};
use tp_records_api::notes::{Note, NoteInput, NoteList, NoteStatus};
use uuid::Uuid;

use crate::audit::{Caller, record, record_refusal};
use crate::chart::access::{Reach, admit_clinical};
use crate::db::notes::{self as rows, NewNote, NoteRow};
use crate::domain::note::{code, content_hash, parse_code, validate};
use crate::error::Error;
use crate::seal::{NoteBody, NoteSeal};
use crate::state::AppState;

/// Whoever reads: a client sees their own signed notes only, a draft is the clinician's
/// work in progress, not yet part of the record.
const fn shows(reach: Reach, row: &NoteRow) -> bool {
    !matches!(reach, Reach::Own(_)) || row.signed_at.is_some()
}

fn event(
    reach: Reach,
    caller: &Caller<'_>,
    action: Action,
    (tenant, client): (TenantId, UserId),
    note: Uuid,
) -> tp_audit_log::AuditEvent {
    reach.event(caller, action, tenant, client).detail("note_id", note.to_string())
}

#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn create(
    state: &AppState,
    caller: &Caller<'_>,
    tenant: TenantId,
    client: UserId,
    input: NoteInput,
) -> Result<Note, Error> {
    let reach = admit_clinical(state, caller, tenant, client, Permission::NotesWrite, NOTE_CREATED).await?;
    draft(state, caller, tenant, (client, reach), input, None).await
}

/// A signed note's amendment: a new draft by the caller pointing at it; the original is
/// not touched (the database would refuse it anyway).
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn amend(
    state: &AppState,
    caller: &Caller<'_>,
    tenant: TenantId,
    client: UserId,
    original: Uuid,
    input: NoteInput,
) -> Result<Note, Error> {
    let reach = admit_clinical(state, caller, tenant, client, Permission::NotesWrite, NOTE_AMENDED).await?;
    draft(state, caller, tenant, (client, reach), input, Some(original)).await
}

async fn draft(
    state: &AppState,
    caller: &Caller<'_>,
    tenant: TenantId,
    (client, reach): (UserId, Reach),
    input: NoteInput,
    amends: Option<Uuid>,
) -> Result<Note, Error> {
    let content = NoteBody { sections: validate(input.template, input.sections)?, sud: input.sud };
    let id = Uuid::now_v7();
    let body = NoteSeal { keyring: &state.keyring, tenant, note: id }.seal(&content).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let action = match amends {
        Some(original) => {
            let row = rows::get(&tx, client, original).await?.ok_or(Error::NotFound)?;
            if row.status != "signed" {
                return Err(Error::Conflict("only a signed note is amended; edit the draft"));
            }
            NOTE_AMENDED
        }
        None => NOTE_CREATED,
    };
    let new = NewNote { id, client, author: reach.user(), template: code(input.template), body, amends };
    let row = rows::insert(&tx, new).await?;
    record(&*tx, &event(reach, caller, action, (tenant, client), id)).await?;
    tx.commit().await?;
    wire(row, content)
}

/// Replaces the sections, template and SUD flag of the caller's own draft.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn update(
    state: &AppState,
    caller: &Caller<'_>,
    tenant: TenantId,
    (client, note): (UserId, Uuid),
    input: NoteInput,
) -> Result<Note, Error> {
    let reach = admit_clinical(state, caller, tenant, client, Permission::NotesWrite, NOTE_UPDATED).await?;
    let content = NoteBody { sections: validate(input.template, input.sections)?, sud: input.sud };
    let body = NoteSeal { keyring: &state.keyring, tenant, note }.seal(&content).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let (tx, _) = own_draft(state, caller, tx, (client, note), reach.user(), NOTE_UPDATED).await?;
    let row = rows::update_draft(&tx, note, code(input.template), body).await?.ok_or(Error::Conflict(SIGNED))?;
    record(&*tx, &event(reach, caller, NOTE_UPDATED, (tenant, client), note)).await?;
    tx.commit().await?;
    wire(row, content)
}

/// Signs the caller's own draft: content hash, signer and time in one UPDATE. The body (and
/// so the SUD flag in it) is not rewritten: the flag stays what the last draft edit set, and
/// it is not part of the hash (hashes of notes signed before the flag existed stay valid).
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn sign(
    state: &AppState,
    caller: &Caller<'_>,
    tenant: TenantId,
    (client, note): (UserId, Uuid),
) -> Result<Note, Error> {
    let reach = admit_clinical(state, caller, tenant, client, Permission::NotesWrite, NOTE_SIGNED).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let (tx, current) = own_draft(state, caller, tx, (client, note), reach.user(), NOTE_SIGNED).await?;
    let template = template_of(&current)?;
    let content = NoteSeal { keyring: &state.keyring, tenant, note }.open(&current.body).await?;
    let hash = content_hash(template, current.client, current.author, &content.sections)?;
    let row = rows::sign(&tx, note, hash, reach.user()).await?.ok_or(Error::Conflict(SIGNED))?;
    record(&*tx, &event(reach, caller, NOTE_SIGNED, (tenant, client), note)).await?;
    tx.commit().await?;
    wire(row, content)
}

const SIGNED: &str = "the note is signed; amend it instead";

/// The note, if it is a draft of `me`: another author's is FORBIDDEN (audited), a signed
/// one CONFLICT, an unknown one NOT_FOUND.
async fn own_draft(
    state: &AppState,
    caller: &Caller<'_>,
    tx: TenantTx,
    (client, note): (UserId, Uuid),
    me: UserId,
    action: Action,
) -> Result<(TenantTx, NoteRow), Error> {
    let row = rows::get(&tx, client, note).await?.ok_or(Error::NotFound)?;
    if row.author != me {
        drop(tx);
        record_refusal(&state.db, caller, action, Some(client)).await;
        return Err(Error::Forbidden);
    }
    if row.status != "draft" {
        return Err(Error::Conflict(SIGNED));
    }
    Ok((tx, row))
}

/// One note of the client, decrypted; its read is audited.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn read(
    state: &AppState,
    caller: &Caller<'_>,
    tenant: TenantId,
    (client, note): (UserId, Uuid),
) -> Result<Note, Error> {
    let reach = admit_clinical(state, caller, tenant, client, Permission::NotesRead, NOTE_READ).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let row = rows::get(&tx, client, note).await?.filter(|row| shows(reach, row)).ok_or(Error::NotFound)?;
    let content = NoteSeal { keyring: &state.keyring, tenant, note }.open(&row.body).await?;
    record(&*tx, &event(reach, caller, NOTE_READ, (tenant, client), note)).await?;
    tx.commit().await?;
    wire(row, content)
}

/// Every note of the client, decrypted, oldest first; one audit event for the list.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list(state: &AppState, caller: &Caller<'_>, tenant: TenantId, client: UserId) -> Result<NoteList, Error> {
    let reach = admit_clinical(state, caller, tenant, client, Permission::NotesRead, NOTE_READ).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let mut notes = Vec::new();
    for row in rows::list(&tx, client).await?.into_iter().filter(|row| shows(reach, row)) {
        let content = NoteSeal { keyring: &state.keyring, tenant, note: row.id }.open(&row.body).await?;
        notes.push(wire(row, content)?);
    }
    let event = reach.event(caller, NOTE_READ, tenant, client).detail("notes", notes.len().to_string());
    record(&*tx, &event).await?;
    tx.commit().await?;
    Ok(NoteList { notes })
}

/// The client's signed notes (amendments included), decrypted, oldest first, read in the
/// caller's transaction: what the export contains. Drafts are not part of the record.
/// Admission and the audit event are the caller's (`chart::export`).
pub(crate) async fn signed(state: &AppState, tx: &TenantTx, client: UserId) -> Result<Vec<Note>, Error> {
    let tenant = tx.tenant();
    let mut notes = Vec::new();
    for row in rows::list(tx, client).await?.into_iter().filter(|row| row.status == "signed") {
        let content = NoteSeal { keyring: &state.keyring, tenant, note: row.id }.open(&row.body).await?;
        notes.push(wire(row, content)?);
    }
    Ok(notes)
}

fn template_of(row: &NoteRow) -> Result<tp_records_api::notes::Template, Error> {
    parse_code(&row.template).ok_or_else(|| Error::Internal(anyhow!("unknown note template")))
}

fn wire(row: NoteRow, content: NoteBody) -> Result<Note, Error> {
    let status = match row.status.as_str() {
        "signed" => NoteStatus::Signed,
        _ => NoteStatus::Draft,
    };
    Ok(Note {
        sud: content.sud,
        template: template_of(&row)?,
        id: row.id,
        client_id: row.client,
        author_id: row.author,
        sections: content.sections,
        status,
        content_hash: row.content_hash.map(|h| h.iter().map(|b| format!("{b:02x}")).collect()),
        signed_by: row.signed_by,
        signed_at: row.signed_at,
        amends: row.amends,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}
