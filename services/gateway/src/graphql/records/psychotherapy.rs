//! Psychotherapy notes in the schema: the caller's own notes about a client, never part of
//! the chart. records decides (a clinician on the care team, their own notes only); the
//! gateway shapes. Note text is PHI: never logged.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use tp_authz::Permission;
use tp_records_api::psychotherapy::{PsychotherapyNote as Wire, PsychotherapyNoteInput};

use crate::graphql::context::{Require, request_ctx};
use crate::graphql::error::GqlError;
use crate::graphql::ids;
use crate::graphql::records::records;

/// A psychotherapy note: visible to its author only.
#[derive(SimpleObject)]
pub struct PsychotherapyNote {
    pub id: ID,
    pub client_id: ID,
    pub text: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Wire> for PsychotherapyNote {
    fn from(n: Wire) -> Self {
        Self {
            id: ID(n.id.to_string()),
            client_id: ID(n.client_id.to_string()),
            text: n.text,
            created_at: n.created_at,
            updated_at: n.updated_at,
        }
    }
}

#[derive(Default)]
pub struct PsychotherapyQuery;

#[Object]
impl PsychotherapyQuery {
    /// The caller's own psychotherapy notes about a client on their care team, oldest first.
    #[graphql(guard = "Require(Permission::PsychotherapyNotes)")]
    async fn psychotherapy_notes(&self, ctx: &Context<'_>, client_id: ID) -> Result<Vec<PsychotherapyNote>, GqlError> {
        let cx = request_ctx(ctx)?;
        let list = records(ctx)?.psychotherapy_notes(cx, (cx.tenant()?, ids::user_id(&client_id)?)).await?;
        Ok(list.notes.into_iter().map(Into::into).collect())
    }
}

#[derive(Default)]
pub struct PsychotherapyMutation;

#[Object]
impl PsychotherapyMutation {
    /// Writes a psychotherapy note about a client on the caller's care team.
    #[graphql(guard = "Require(Permission::PsychotherapyNotes)")]
    async fn create_psychotherapy_note(
        &self,
        ctx: &Context<'_>,
        client_id: ID,
        text: String,
    ) -> Result<PsychotherapyNote, GqlError> {
        let cx = request_ctx(ctx)?;
        let key = (cx.tenant()?, ids::user_id(&client_id)?);
        Ok(records(ctx)?.create_psychotherapy_note(cx, key, &PsychotherapyNoteInput { text }).await?.into())
    }

    /// Replaces the text of one of the caller's own psychotherapy notes.
    #[graphql(guard = "Require(Permission::PsychotherapyNotes)")]
    async fn update_psychotherapy_note(
        &self,
        ctx: &Context<'_>,
        client_id: ID,
        note_id: ID,
        text: String,
    ) -> Result<PsychotherapyNote, GqlError> {
        let cx = request_ctx(ctx)?;
        let key = (cx.tenant()?, ids::user_id(&client_id)?, ids::note_id(&note_id)?);
        Ok(records(ctx)?.update_psychotherapy_note(cx, key, &PsychotherapyNoteInput { text }).await?.into())
    }
}
