//! Exporting a client's record (right of access): admitted by [`admit_clinical`] with
//! `ChartExport` (the client their own chart; clinicians and practice admins on the care
//! team), for a client of the practice only; the demographics and signed notes are read,
//! the export rendered and its audit event (format and counts, never content) written in
//! one `TenantTx`, so nothing leaves unless its event commits.
//!
//! Not here: the mapping to FHIR or HTML (`crate::export`), psychotherapy notes (never read
//! here), drafts (not part of the record).

use tp_audit_log::action::records::CHART_EXPORTED;
use tp_authz::Permission;
use tp_db::TenantTx;
use tp_ids::{TenantId, UserId};
use tp_records_api::export::ExportFormat;

use crate::audit::{Caller, record};
use crate::chart::access::admit_clinical;
use crate::chart::demographics::require_chart;
use crate::chart::notes;
use crate::db::clients;
use crate::error::Error;
use crate::export::{ChartRecord, Counts, fhir, html};
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
    let demographics = match clients::get(&tx, client).await? {
        Some((row, _)) => Some(RowSeal { keyring: &state.keyring, tenant, client }.open_demographics(&row).await?),
        None => None,
    };
    let record_read = ChartRecord {
        tenant,
        client,
        demographics,
        notes: notes::signed(state, &tx, client).await?,
        export_id: uuid::Uuid::now_v7(),
        exported_at: chrono::Utc::now(),
    };
    let (body, counts) = render(&record_read, format)?;
    let event = reach
        .event(caller, CHART_EXPORTED, tenant, client)
        .detail("format", format.code())
        .detail("patients", counts.patients.to_string())
        .detail("progress_notes", counts.progress_notes.to_string())
        .detail("provenances", counts.provenances.to_string());
    record(&*tx, &event).await?;
    tx.commit().await?;
    Ok(Export { format, body })
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
