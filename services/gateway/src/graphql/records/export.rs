//! The chart export (right of access) in the schema: the client's record as records renders
//! it, a FHIR R4 Bundle or a self-contained HTML page, returned as a string with its media
//! type. records decides who may (the client, the care team) and audits the export; the
//! gateway only passes it on. The content is PHI: never logged.

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use tp_authz::Permission;

use crate::graphql::context::{Require, request_ctx};
use crate::graphql::error::GqlError;
use crate::graphql::ids;
use crate::graphql::records::records;

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "tp_records_api::export::ExportFormat")]
pub enum ExportFormat {
    /// A FHIR R4 Bundle (`application/fhir+json`).
    Fhir,
    /// A readable, print-friendly HTML page (`text/html; charset=utf-8`). A client showing it
    /// must keep the CSP records sends: `default-src 'none'; style-src 'unsafe-inline'`.
    Html,
}

#[derive(SimpleObject)]
pub struct ChartExport {
    pub format: ExportFormat,
    pub content_type: String,
    /// The export itself: the Bundle's JSON or the page's HTML.
    pub content: String,
}

#[derive(Default)]
pub struct ExportQuery;

#[Object]
impl ExportQuery {
    /// The client's record (right of access): their details and signed progress notes, never
    /// drafts or psychotherapy notes. The client their own; clinicians and practice admins on
    /// the care team. Every export is audited.
    #[graphql(guard = "Require(Permission::ChartExport)")]
    async fn export_chart(
        &self,
        ctx: &Context<'_>,
        client_id: ID,
        format: ExportFormat,
    ) -> Result<ChartExport, GqlError> {
        let cx = request_ctx(ctx)?;
        let client = ids::user_id(&client_id)?;
        let content = records(ctx)?.export(cx, cx.tenant()?, client, format.into()).await?;
        let content_type = tp_records_api::export::ExportFormat::from(format).content_type().to_owned();
        Ok(ChartExport { format, content_type, content })
    }
}
