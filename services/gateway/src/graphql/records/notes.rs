//! Progress notes in the schema: SOAP, DAP and BIRP drafts, signing, amendments. records
//! decides who may (the care team reads; the author edits and signs) and keeps a signed note
//! immutable; the gateway only shapes the data. Note text is PHI: never logged.

use std::collections::BTreeMap;

use async_graphql::dataloader::DataLoader;
use async_graphql::{ComplexObject, Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use tp_authz::Permission;
use tp_ids::{TenantId, UserId};
use tp_records_api::notes;
use uuid::Uuid;

use crate::graphql::context::{RequestCtx, Require, data, request_ctx};
use crate::graphql::error::GqlError;
use crate::graphql::identity::loaders::DirectoryLoader;
use crate::graphql::identity::types::User;
use crate::graphql::ids;
use crate::graphql::records::records;

/// Which sections a note has: SOAP (subjective, objective, assessment, plan), DAP (data,
/// assessment, plan), BIRP (behavior, intervention, response, plan).
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "tp_records_api::notes::Template")]
pub enum NoteTemplate {
    Soap,
    Dap,
    Birp,
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "tp_records_api::notes::NoteStatus")]
pub enum NoteStatus {
    Draft,
    Signed,
}

#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "NoteSectionInput")]
pub struct NoteSection {
    /// A section name of the template, e.g. `subjective`.
    pub name: String,
    pub text: String,
}

#[derive(InputObject)]
pub struct ProgressNoteInput {
    pub template: NoteTemplate,
    /// Sections of the template; one left out is empty.
    pub sections: Vec<NoteSection>,
    /// A substance use disorder record under 42 CFR Part 2: disclosed only under a Part 2
    /// consent as well as `PROGRESS_NOTES`. Fixed when the note is signed. Absent: false.
    pub sud: Option<bool>,
}

impl From<ProgressNoteInput> for notes::NoteInput {
    fn from(input: ProgressNoteInput) -> Self {
        let sections: BTreeMap<String, String> = input.sections.into_iter().map(|s| (s.name, s.text)).collect();
        Self { template: input.template.into(), sections, sud: input.sud.unwrap_or(false) }
    }
}

/// A progress note. Once signed it never changes (`contentHash`, `signedBy`, `signedAt`);
/// a correction is a new note whose `amends` is the original.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ProgressNote {
    pub id: ID,
    pub client_id: ID,
    pub author_id: ID,
    pub template: NoteTemplate,
    pub sections: Vec<NoteSection>,
    /// Flagged as a substance use disorder record (42 CFR Part 2).
    pub sud: bool,
    pub status: NoteStatus,
    /// Hex SHA-256 of the signed content.
    pub content_hash: Option<String>,
    pub signed_by: Option<ID>,
    pub signed_at: Option<DateTime<Utc>>,
    pub amends: Option<ID>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[ComplexObject]
impl ProgressNote {
    /// The note's author (through the directory: one identity call per answer).
    async fn author(&self, ctx: &Context<'_>) -> Result<Option<User>, GqlError> {
        let Ok(author) = tp_ids::UserId::parse(&self.author_id) else { return Ok(None) };
        Ok(data::<DataLoader<DirectoryLoader>>(ctx)?.load_one(author).await?.map(User::from))
    }
}

impl From<notes::Note> for ProgressNote {
    fn from(n: notes::Note) -> Self {
        Self {
            id: ID(n.id.to_string()),
            client_id: ID(n.client_id.to_string()),
            author_id: ID(n.author_id.to_string()),
            template: n.template.into(),
            sections: n.sections.into_iter().map(|(name, text)| NoteSection { name, text }).collect(),
            sud: n.sud,
            status: n.status.into(),
            content_hash: n.content_hash,
            signed_by: n.signed_by.map(|u| ID(u.to_string())),
            signed_at: n.signed_at,
            amends: n.amends.map(|a| ID(a.to_string())),
            created_at: n.created_at,
            updated_at: n.updated_at,
        }
    }
}

#[derive(Default)]
pub struct NotesQuery;

#[Object]
impl NotesQuery {
    /// A client's progress notes, oldest first: their care team (practice admins too only
    /// when on it); a client reads their own signed notes.
    #[graphql(guard = "Require(Permission::NotesRead)")]
    async fn progress_notes(&self, ctx: &Context<'_>, client_id: ID) -> Result<Vec<ProgressNote>, GqlError> {
        let cx = request_ctx(ctx)?;
        let list = records(ctx)?.notes(cx, cx.tenant()?, ids::user_id(&client_id)?).await?;
        Ok(list.notes.into_iter().map(Into::into).collect())
    }
}

#[derive(Default)]
pub struct NotesMutation;

#[Object]
impl NotesMutation {
    /// Starts a draft for a client on the caller's care team.
    #[graphql(guard = "Require(Permission::NotesWrite)")]
    async fn create_progress_note(
        &self,
        ctx: &Context<'_>,
        client_id: ID,
        input: ProgressNoteInput,
    ) -> Result<ProgressNote, GqlError> {
        let cx = request_ctx(ctx)?;
        let note = records(ctx)?.create_note(cx, cx.tenant()?, ids::user_id(&client_id)?, &input.into()).await?;
        Ok(note.into())
    }

    /// Replaces the text of the caller's own draft; a signed note is CONFLICT.
    #[graphql(guard = "Require(Permission::NotesWrite)")]
    async fn update_progress_note(
        &self,
        ctx: &Context<'_>,
        client_id: ID,
        note_id: ID,
        input: ProgressNoteInput,
    ) -> Result<ProgressNote, GqlError> {
        let cx = request_ctx(ctx)?;
        let key = note_key(cx, &client_id, &note_id)?;
        Ok(records(ctx)?.update_note(cx, key, &input.into()).await?.into())
    }

    /// Signs the caller's own draft: from then on it never changes.
    #[graphql(guard = "Require(Permission::NotesWrite)")]
    async fn sign_progress_note(
        &self,
        ctx: &Context<'_>,
        client_id: ID,
        note_id: ID,
    ) -> Result<ProgressNote, GqlError> {
        let cx = request_ctx(ctx)?;
        let key = note_key(cx, &client_id, &note_id)?;
        Ok(records(ctx)?.sign_note(cx, key).await?.into())
    }

    /// Corrects a signed note: a new draft linked to it; the original stays as it was.
    #[graphql(guard = "Require(Permission::NotesWrite)")]
    async fn amend_progress_note(
        &self,
        ctx: &Context<'_>,
        client_id: ID,
        note_id: ID,
        input: ProgressNoteInput,
    ) -> Result<ProgressNote, GqlError> {
        let cx = request_ctx(ctx)?;
        let key = note_key(cx, &client_id, &note_id)?;
        Ok(records(ctx)?.amend_note(cx, key, &input.into()).await?.into())
    }
}

/// The practice, client and note a note mutation names, parsed once.
fn note_key(cx: &RequestCtx, client: &ID, note: &ID) -> Result<(TenantId, UserId, Uuid), GqlError> {
    Ok((cx.tenant()?, ids::user_id(client)?, ids::note_id(note)?))
}
