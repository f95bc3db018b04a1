//! A disclosure package: the part of a client's record a disclosure they approved may carry,
//! sealed for consent's store of transfer packages. Only the client themself asks
//! (`DisclosurePackage`, through `admit_clinical`, then their own chart only), and only
//! under consent's decision, asked with their own token and never kept: no permit, nothing
//! read, nothing sealed.
//!
//! Minimum necessary: only the permitted categories are read at all. An item flagged as a
//! substance use disorder record (42 CFR Part 2; a diagnosis by its code too) goes only
//! when `sud_records` is permitted as well as its own category. Psychotherapy notes go only
//! under their own authorization, every author's (the one read of other authors' notes).
//! The reads and the audit event (the package id, the authorizations relied on, the counts;
//! never the recipient nor any content) share one `TenantTx`, so nothing leaves unless its
//! event commits. records keeps nothing of the package.
//!
//! Not here: the mapping to FHIR (`export::disclosure`), storing, delivering or accounting
//! for the package (consent).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use tp_audit_log::action::records::DISCLOSURE_PACKAGED;
use tp_authz::Permission;
use tp_consent_api::disclosure::{Category, DecisionRequest};
use tp_db::TenantTx;
use tp_ids::{TenantId, UserId};
use tp_records_api::chart::Demographics;
use tp_records_api::disclosure::{PACKAGE_COLUMN, PACKAGE_TABLE, Package, PackageContents, PackageRequest};

use crate::audit::{Caller, record, record_refusal};
use crate::chart::access::admit_clinical;
use crate::chart::export::{document_records, form_records};
use crate::chart::{diagnoses, documents, medications, notes, psychotherapy, treatment_plan};
use crate::db::clients;
use crate::domain::disclosure::{Permitted, check, permitted};
use crate::error::Error;
use crate::export::ChartRecord;
use crate::export::disclosure::{PackageRecord, bundle, shareable_notes};
use crate::seal::RowSeal;
use crate::sealed_json::JsonSeal;
use crate::state::AppState;

#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn package(
    state: &AppState,
    caller: &Caller<'_>,
    tenant: TenantId,
    client: UserId,
    request: PackageRequest,
) -> Result<Package, Error> {
    // Only the client's own role grants the permission, so only the client themself passes.
    let reach =
        admit_clinical(state, caller, tenant, client, Permission::DisclosurePackage, DISCLOSURE_PACKAGED).await?;
    let request = check(request)?;
    let asked = DecisionRequest { recipient: request.recipient.clone(), categories: request.categories.clone() };
    let decision = state.consent.decide(caller.token, (tenant, client), &asked).await?;
    let Some(permitted) = permitted(&request.categories, &decision) else {
        record_refusal(&state.db, caller, DISCLOSURE_PACKAGED, Some(client)).await;
        return Err(Error::DisclosureNotAuthorized);
    };
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let package_record = read(state, &tx, client, (&permitted, &request)).await?;
    let (bundle, counts) = bundle(&package_record)?;
    let contents = PackageContents {
        package_id: request.package_id,
        categories: permitted.categories.clone(),
        grants: permitted.grants.clone(),
        bundle,
    };
    let seal = JsonSeal {
        keyring: &state.keyring,
        tenant,
        table: PACKAGE_TABLE,
        column: PACKAGE_COLUMN,
        row: request.package_id,
    };
    let sealed = STANDARD.encode(seal.seal(&contents).await?);
    let grants: Vec<String> = permitted.grants.iter().map(|g| g.authorization_id.to_string()).collect();
    let mut event = reach
        .event(caller, DISCLOSURE_PACKAGED, tenant, client)
        .detail("package_id", request.package_id.to_string())
        .detail("grants", grants.join(","));
    for (key, value) in counts.details() {
        event = event.detail(key, value);
    }
    record(&*tx, &event).await?;
    tx.commit().await?;
    Ok(Package { package_id: request.package_id, categories: permitted.categories, grants: permitted.grants, sealed })
}

/// The permitted categories' content, read and decrypted in `tx`; nothing else is read.
async fn read(
    state: &AppState,
    tx: &TenantTx,
    client: UserId,
    (permitted, request): (&Permitted, &PackageRequest),
) -> Result<PackageRecord, Error> {
    let allows = |category| permitted.allows(category);
    let sud = allows(Category::SudRecords);
    let keep = |flagged: bool| sud || !flagged;
    let mut chart = ChartRecord {
        tenant: tx.tenant(),
        client,
        demographics: None,
        notes: Vec::new(),
        diagnoses: Vec::new(),
        medications: Vec::new(),
        treatment_plan: None,
        forms: Vec::new(),
        documents: Vec::new(),
        export_id: request.package_id,
        exported_at: chrono::Utc::now(),
    };
    if allows(Category::Demographics) {
        chart.demographics = demographics(state, tx, client).await?;
    }
    if allows(Category::ProgressNotes) {
        chart.notes = shareable_notes(notes::signed(state, tx, client).await?, sud);
    }
    if allows(Category::Diagnoses) {
        chart.diagnoses = diagnoses::of_client(state, tx, client).await?.into_iter().filter(|d| keep(d.sud)).collect();
    }
    if allows(Category::Medications) {
        chart.medications =
            medications::of_client(state, tx, client).await?.into_iter().filter(|m| keep(m.sud)).collect();
    }
    if allows(Category::TreatmentPlan) {
        chart.treatment_plan = treatment_plan::current(state, tx, client).await?;
    }
    if allows(Category::Assessments) {
        chart.forms = form_records(state, tx, client).await?;
    }
    if allows(Category::Documents) {
        // Flagged documents are dropped before the inline budget: their content is not read.
        let listed = documents::listed(state, tx, client).await?.into_iter().filter(|d| keep(d.sud)).collect();
        chart.documents = document_records(state, tx, (client, listed), true).await?;
    }
    let psychotherapy_notes = match allows(Category::PsychotherapyNotes) {
        true => psychotherapy::for_authorized_disclosure(state, tx, client).await?,
        false => Vec::new(),
    };
    Ok(PackageRecord {
        chart,
        psychotherapy_notes,
        grants: permitted.grants.clone(),
        recipient: request.recipient.clone(),
    })
}

async fn demographics(state: &AppState, tx: &TenantTx, client: UserId) -> Result<Option<Demographics>, Error> {
    match clients::get(tx, client).await? {
        Some((row, _)) => {
            Ok(Some(RowSeal { keyring: &state.keyring, tenant: tx.tenant(), client }.open_demographics(&row).await?))
        }
        None => Ok(None),
    }
}
