//! Exporting a client's record (right of access): admitted by [`admit_clinical`] with
//! `ChartExport` (the client their own chart; clinicians and practice admins on the care
//! team), for a client of the practice only; the demographics, signed notes, diagnoses,
//! medications, treatment plan, form responses and documents are read (through each
//! domain's own read and decryption), the export rendered and its audit event (format and
//! counts, never content) written in one `TenantTx`, so nothing leaves unless its event
//! commits.
//!
//! Not here: the mapping to FHIR or HTML (`crate::export`), psychotherapy notes (never read
//! here: this module does not touch their table), drafts (not part of the record).

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use tp_audit_log::action::records::CHART_EXPORTED;
use tp_authz::Permission;
use tp_db::TenantTx;
use tp_ids::{TenantId, UserId};
use tp_records_api::documents::Document;
use tp_records_api::export::ExportFormat;
use tp_records_api::forms::Answers;
use uuid::Uuid;

use crate::audit::{Caller, record};
use crate::chart::access::admit_clinical;
use crate::chart::demographics::require_chart;
use crate::chart::{diagnoses, documents, forms, medications, notes, treatment_plan};
use crate::db::clients;
use crate::db::forms as form_rows;
use crate::error::Error;
use crate::export::{ChartRecord, Counts, DocumentRecord, FormRecord, fhir, html, inline_budget};
use crate::seal::RowSeal;
use crate::state::AppState;

/// One rendered export: the body in `format`'s media type.
#[derive(Debug)]
pub struct Export {
    pub format: ExportFormat,
    pub body: String,
}

#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn export(
    state: &AppState,
    caller: &Caller<'_>,
    tenant: TenantId,
    client: UserId,
    format: ExportFormat,
) -> Result<Export, Error> {
    let reach = admit_clinical(state, caller, tenant, client, Permission::ChartExport, CHART_EXPORTED).await?;
    // An id that is no client of this practice is unknown, not an empty record.
    require_chart(state, caller, tenant, client).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let record_read = read(state, &tx, client, format).await?;
    let (body, counts) = render(&record_read, format)?;
    let mut event = reach.event(caller, CHART_EXPORTED, tenant, client).detail("format", format.code());
    for (key, value) in counts.details() {
        event = event.detail(key, value);
    }
    record(&*tx, &event).await?;
    tx.commit().await?;
    Ok(Export { format, body })
}

/// Everything the export holds, read and decrypted in its transaction. Document content is
/// read for FHIR only, and only for the documents within the inline budget.
async fn read(state: &AppState, tx: &TenantTx, client: UserId, format: ExportFormat) -> Result<ChartRecord, Error> {
    let tenant = tx.tenant();
    let demographics = match clients::get(tx, client).await? {
        Some((row, _)) => Some(RowSeal { keyring: &state.keyring, tenant, client }.open_demographics(&row).await?),
        None => None,
    };
    Ok(ChartRecord {
        tenant,
        client,
        demographics,
        notes: notes::signed(state, tx, client).await?,
        diagnoses: diagnoses::of_client(state, tx, client).await?,
        medications: medications::of_client(state, tx, client).await?,
        treatment_plan: treatment_plan::current(state, tx, client).await?,
        forms: form_records(state, tx, client).await?,
        documents: document_records(
            state,
            tx,
            (client, documents::listed(state, tx, client).await?),
            format == ExportFormat::Fhir,
        )
        .await?,
        export_id: uuid::Uuid::now_v7(),
        exported_at: chrono::Utc::now(),
    })
}

/// The responses, each template response with its template version's title (read once per
/// version; templates hold no PHI). Also what a disclosure package's assessments are.
pub(crate) async fn form_records(state: &AppState, tx: &TenantTx, client: UserId) -> Result<Vec<FormRecord>, Error> {
    let mut titles: BTreeMap<(Uuid, u32), Option<String>> = BTreeMap::new();
    let mut records = Vec::new();
    for response in forms::all_responses(state, tx, client).await? {
        let template_title = match response.form {
            Answers::Template { template_id, version } => {
                if let Entry::Vacant(slot) = titles.entry((template_id, version)) {
                    let number = i32::try_from(version).map_err(|e| Error::Internal(e.into()))?;
                    let row = form_rows::template_version(tx, template_id, number).await?;
                    slot.insert(row.map(|row| row.title));
                }
                titles.get(&(template_id, version)).cloned().flatten()
            }
            Answers::Instrument { .. } => None,
        };
        records.push(FormRecord { response, template_title });
    }
    Ok(records)
}

/// The `listed` documents' metadata, and `with_content` (FHIR) the content of those within the
/// inline budget. Also what a disclosure package's documents are (the ones it may carry).
pub(crate) async fn document_records(
    state: &AppState,
    tx: &TenantTx,
    (client, listed): (UserId, Vec<Document>),
    with_content: bool,
) -> Result<Vec<DocumentRecord>, Error> {
    let inline = inline_budget(&listed.iter().map(|d| d.size_bytes).collect::<Vec<_>>());
    let mut records = Vec::new();
    for (document, inline) in listed.into_iter().zip(inline) {
        let content = if inline && with_content {
            Some(documents::with_content(state, tx, client, document.id).await?.content)
        } else {
            None
        };
        records.push(DocumentRecord { document, inline, content });
    }
    Ok(records)
}

fn render(chart: &ChartRecord, format: ExportFormat) -> Result<(String, Counts), Error> {
    match format {
        ExportFormat::Fhir => {
            let (bundle, counts) = fhir::bundle(chart)?;
            let body = serde_json::to_string(&bundle).map_err(|e| Error::Internal(e.into()))?;
            Ok((body, counts))
        }
        ExportFormat::Html => Ok(html::page(chart)),
    }
}
