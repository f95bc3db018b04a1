//! Typed calls to records' `/v1` API, with the wire types of `tp_records_api`. Every body
//! here is PHI: nothing of it is logged.

use reqwest::Method;
use tp_ids::{TenantId, UserId};
use tp_records_api::chart::{Chart, Demographics, SearchResults};
use tp_records_api::export::ExportFormat;
use tp_records_api::notes::{Note, NoteInput, NoteList};
use tp_records_api::paths;
use uuid::Uuid;

use crate::downstream::Downstream;
use crate::graphql::context::RequestCtx;
use crate::graphql::error::GqlError;

#[derive(Clone)]
pub struct RecordsClient(pub Downstream);

impl RecordsClient {
    pub async fn chart(&self, cx: &RequestCtx, tenant: TenantId, client: UserId) -> Result<Chart, GqlError> {
        self.0.get(cx, &paths::chart(tenant, client)).await
    }

    pub async fn set_demographics(
        &self,
        cx: &RequestCtx,
        tenant: TenantId,
        client: UserId,
        demographics: &Demographics,
    ) -> Result<Chart, GqlError> {
        self.0.send_json(cx, Method::PUT, &paths::demographics(tenant, client), demographics).await
    }

    pub async fn search(&self, cx: &RequestCtx, tenant: TenantId, name: &str) -> Result<SearchResults, GqlError> {
        let name: String = url::form_urlencoded::byte_serialize(name.as_bytes()).collect();
        self.0.get(cx, &format!("{}?name={name}", paths::search(tenant))).await
    }

    pub async fn notes(&self, cx: &RequestCtx, tenant: TenantId, client: UserId) -> Result<NoteList, GqlError> {
        self.0.get(cx, &paths::notes(tenant, client)).await
    }

    pub async fn create_note(
        &self,
        cx: &RequestCtx,
        tenant: TenantId,
        client: UserId,
        input: &NoteInput,
    ) -> Result<Note, GqlError> {
        self.0.send_json(cx, Method::POST, &paths::notes(tenant, client), input).await
    }

    pub async fn update_note(
        &self,
        cx: &RequestCtx,
        (tenant, client, note): (TenantId, UserId, Uuid),
        input: &NoteInput,
    ) -> Result<Note, GqlError> {
        self.0.send_json(cx, Method::PUT, &paths::note(tenant, client, note), input).await
    }

    pub async fn sign_note(
        &self,
        cx: &RequestCtx,
        (tenant, client, note): (TenantId, UserId, Uuid),
    ) -> Result<Note, GqlError> {
        self.0.send_empty(cx, Method::POST, &paths::note_sign(tenant, client, note)).await
    }

    pub async fn amend_note(
        &self,
        cx: &RequestCtx,
        (tenant, client, note): (TenantId, UserId, Uuid),
        input: &NoteInput,
    ) -> Result<Note, GqlError> {
        self.0.send_json(cx, Method::POST, &paths::note_amendments(tenant, client, note), input).await
    }

    /// The client's record in `format`, as records rendered it.
    pub async fn export(
        &self,
        cx: &RequestCtx,
        tenant: TenantId,
        client: UserId,
        format: ExportFormat,
    ) -> Result<String, GqlError> {
        self.0.get_text(cx, &paths::export(tenant, client, format)).await
    }
}
