//! A client's medications (free text: name, dose, frequency, prescriber, dates): listed by
//! the care team and the client themself, recorded and changed by clinicians of the care
//! team. The rules of access, sealing and audit are `items`'. The SUD flag is sealed in the
//! body with the rest (an old body without it opens as not flagged).

use tp_audit_log::action::records::{MEDICATION_ADDED, MEDICATION_UPDATED, MEDICATIONS_READ};
use tp_db::TenantTx;
use tp_ids::{TenantId, UserId};
use tp_records_api::clinical::{Medication, MedicationInput, MedicationList};
use uuid::Uuid;

use crate::audit::Caller;
use crate::chart::items::{self, Kind};
use crate::db::chart_items::{ItemRow, ItemTable};
use crate::domain::clinical;
use crate::error::Error;
use crate::state::AppState;

const KIND: Kind = Kind {
    table: ItemTable::Medications,
    read: MEDICATIONS_READ,
    added: MEDICATION_ADDED,
    updated: MEDICATION_UPDATED,
    id_detail: "medication_id",
};

#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list(
    state: &AppState,
    caller: &Caller<'_>,
    tenant: TenantId,
    client: UserId,
) -> Result<MedicationList, Error> {
    let items = items::list(state, caller, (tenant, client), &KIND).await?;
    Ok(MedicationList { medications: items.into_iter().map(|(row, doc)| wire(row, doc)).collect() })
}

#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn add(
    state: &AppState,
    caller: &Caller<'_>,
    tenant: TenantId,
    client: UserId,
    input: MedicationInput,
) -> Result<Medication, Error> {
    let (row, doc) = items::add(state, caller, (tenant, client), &KIND, (input, clinical::medication)).await?;
    Ok(wire(row, doc))
}

#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn update(
    state: &AppState,
    caller: &Caller<'_>,
    (tenant, client, id): (TenantId, UserId, Uuid),
    input: MedicationInput,
) -> Result<Medication, Error> {
    let (row, doc) = items::replace(state, caller, (tenant, client, id), &KIND, (input, clinical::medication)).await?;
    Ok(wire(row, doc))
}

/// The client's medications, oldest first, read in the chart export's transaction (which
/// admits and audits the access).
pub(crate) async fn of_client(state: &AppState, tx: &TenantTx, client: UserId) -> Result<Vec<Medication>, Error> {
    let items = items::read_all(state, tx, &KIND, client).await?;
    Ok(items.into_iter().map(|(row, doc)| wire(row, doc)).collect())
}

fn wire(row: ItemRow, doc: MedicationInput) -> Medication {
    Medication {
        sud: doc.sud,
        id: row.id,
        client_id: row.client,
        name: doc.name,
        dose: doc.dose,
        frequency: doc.frequency,
        prescriber: doc.prescriber,
        started_on: doc.started_on,
        stopped_on: doc.stopped_on,
        recorded_by: row.recorded_by,
        recorded_at: row.created_at,
        updated_by: row.updated_by,
        updated_at: row.updated_at,
    }
}
