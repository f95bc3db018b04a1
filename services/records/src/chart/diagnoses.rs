//! A client's diagnoses (ICD-10-CM code and text, status, onset): listed by the care team
//! and the client themself, recorded and changed by clinicians of the care team. The rules of
//! access, sealing and audit are `items`'; the code's shape and which codes are substance use
//! disorders are `domain::clinical`'s. The SUD flag is sealed in the body with the rest.

use tp_audit_log::action::records::{DIAGNOSES_READ, DIAGNOSIS_ADDED, DIAGNOSIS_UPDATED};
use tp_db::TenantTx;
use tp_ids::{TenantId, UserId};
use tp_records_api::clinical::{Diagnosis, DiagnosisInput, DiagnosisList};
use uuid::Uuid;

use crate::audit::Caller;
use crate::chart::items::{self, Kind};
use crate::db::chart_items::{ItemRow, ItemTable};
use crate::domain::clinical;
use crate::error::Error;
use crate::state::AppState;

const KIND: Kind = Kind {
    table: ItemTable::Diagnoses,
    read: DIAGNOSES_READ,
    added: DIAGNOSIS_ADDED,
    updated: DIAGNOSIS_UPDATED,
    id_detail: "diagnosis_id",
};

fn validate(input: DiagnosisInput) -> Result<DiagnosisInput, Error> {
    clinical::diagnosis(input, chrono::Utc::now().date_naive())
}

#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list(
    state: &AppState,
    caller: &Caller<'_>,
    tenant: TenantId,
    client: UserId,
) -> Result<DiagnosisList, Error> {
    let items = items::list(state, caller, (tenant, client), &KIND).await?;
    Ok(DiagnosisList { diagnoses: items.into_iter().map(|(row, doc)| wire(row, doc)).collect() })
}

#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn add(
    state: &AppState,
    caller: &Caller<'_>,
    tenant: TenantId,
    client: UserId,
    input: DiagnosisInput,
) -> Result<Diagnosis, Error> {
    let (row, doc) = items::add(state, caller, (tenant, client), &KIND, (input, validate)).await?;
    Ok(wire(row, doc))
}

#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn update(
    state: &AppState,
    caller: &Caller<'_>,
    (tenant, client, id): (TenantId, UserId, Uuid),
    input: DiagnosisInput,
) -> Result<Diagnosis, Error> {
    let (row, doc) = items::replace(state, caller, (tenant, client, id), &KIND, (input, validate)).await?;
    Ok(wire(row, doc))
}

/// The client's diagnoses, oldest first, read in the chart export's transaction (which
/// admits and audits the access).
pub(crate) async fn of_client(state: &AppState, tx: &TenantTx, client: UserId) -> Result<Vec<Diagnosis>, Error> {
    let items = items::read_all(state, tx, &KIND, client).await?;
    Ok(items.into_iter().map(|(row, doc)| wire(row, doc)).collect())
}

fn wire(row: ItemRow, doc: DiagnosisInput) -> Diagnosis {
    Diagnosis {
        // A code of a substance use disorder makes the diagnosis a Part 2 record whatever the
        // clinician's flag says: the flag can add, never remove.
        sud: doc.sud || clinical::is_sud_code(&doc.code),
        id: row.id,
        client_id: row.client,
        code: doc.code,
        description: doc.description,
        status: doc.status,
        onset_date: doc.onset_date,
        recorded_by: row.recorded_by,
        recorded_at: row.created_at,
        updated_by: row.updated_by,
        updated_at: row.updated_at,
    }
}
