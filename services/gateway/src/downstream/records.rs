//! Typed calls to records' `/v1` API, with the wire types of `tp_records_api`. Every body
//! here is PHI: nothing of it is logged.

use reqwest::Method;
use tp_ids::{TenantId, UserId};
use tp_records_api::amendments::{AmendmentRequest, AmendmentRequestInput, AmendmentRequestList, AmendmentReview};
use tp_records_api::break_glass::{BreakGlassGrant, BreakGlassInput, BreakGlassList};
use tp_records_api::chart::{Chart, Demographics, SearchResults};
use tp_records_api::clinical::{
    CurrentTreatmentPlan, Diagnosis, DiagnosisInput, DiagnosisList, Medication, MedicationInput, MedicationList,
    TreatmentPlan, TreatmentPlanInput,
};
use tp_records_api::disclosure::{Package, PackageRequest};
use tp_records_api::documents::{DocumentList, MAX_DOCUMENT_BYTES};
use tp_records_api::export::ExportFormat;
use tp_records_api::forms::{
    AssessmentHistory, FormResponse, FormResponseList, FormTemplate, FormTemplateList, Instrument, ResponseInput,
    TemplateInput,
};
use tp_records_api::notes::{Note, NoteInput, NoteList};
use tp_records_api::paths;
use tp_records_api::psychotherapy::{PsychotherapyNote, PsychotherapyNoteInput, PsychotherapyNoteList};
use uuid::Uuid;

use crate::downstream::{Downstream, RawAnswer};
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

    pub async fn psychotherapy_notes(
        &self,
        cx: &RequestCtx,
        (tenant, client): (TenantId, UserId),
    ) -> Result<PsychotherapyNoteList, GqlError> {
        self.0.get(cx, &paths::psychotherapy_notes(tenant, client)).await
    }

    pub async fn create_psychotherapy_note(
        &self,
        cx: &RequestCtx,
        (tenant, client): (TenantId, UserId),
        input: &PsychotherapyNoteInput,
    ) -> Result<PsychotherapyNote, GqlError> {
        self.0.send_json(cx, Method::POST, &paths::psychotherapy_notes(tenant, client), input).await
    }

    pub async fn update_psychotherapy_note(
        &self,
        cx: &RequestCtx,
        (tenant, client, note): (TenantId, UserId, Uuid),
        input: &PsychotherapyNoteInput,
    ) -> Result<PsychotherapyNote, GqlError> {
        self.0.send_json(cx, Method::PUT, &paths::psychotherapy_note(tenant, client, note), input).await
    }

    pub async fn break_glass(
        &self,
        cx: &RequestCtx,
        (tenant, client): (TenantId, UserId),
        input: &BreakGlassInput,
    ) -> Result<BreakGlassGrant, GqlError> {
        self.0.send_json(cx, Method::POST, &paths::break_glass(tenant, client), input).await
    }

    pub async fn break_glass_openings(
        &self,
        cx: &RequestCtx,
        tenant: TenantId,
        active_only: bool,
    ) -> Result<BreakGlassList, GqlError> {
        self.0.get(cx, &format!("{}?active={active_only}", paths::break_glass_grants(tenant))).await
    }

    pub async fn diagnoses(
        &self,
        cx: &RequestCtx,
        tenant: TenantId,
        client: UserId,
    ) -> Result<DiagnosisList, GqlError> {
        self.0.get(cx, &paths::diagnoses(tenant, client)).await
    }

    pub async fn add_diagnosis(
        &self,
        cx: &RequestCtx,
        (tenant, client): (TenantId, UserId),
        input: &DiagnosisInput,
    ) -> Result<Diagnosis, GqlError> {
        self.0.send_json(cx, Method::POST, &paths::diagnoses(tenant, client), input).await
    }

    pub async fn update_diagnosis(
        &self,
        cx: &RequestCtx,
        (tenant, client, id): (TenantId, UserId, Uuid),
        input: &DiagnosisInput,
    ) -> Result<Diagnosis, GqlError> {
        self.0.send_json(cx, Method::PUT, &paths::diagnosis(tenant, client, id), input).await
    }

    pub async fn treatment_plan(
        &self,
        cx: &RequestCtx,
        tenant: TenantId,
        client: UserId,
    ) -> Result<CurrentTreatmentPlan, GqlError> {
        self.0.get(cx, &paths::treatment_plan(tenant, client)).await
    }

    pub async fn set_treatment_plan(
        &self,
        cx: &RequestCtx,
        (tenant, client): (TenantId, UserId),
        input: &TreatmentPlanInput,
    ) -> Result<TreatmentPlan, GqlError> {
        self.0.send_json(cx, Method::PUT, &paths::treatment_plan(tenant, client), input).await
    }

    pub async fn medications(
        &self,
        cx: &RequestCtx,
        tenant: TenantId,
        client: UserId,
    ) -> Result<MedicationList, GqlError> {
        self.0.get(cx, &paths::medications(tenant, client)).await
    }

    pub async fn add_medication(
        &self,
        cx: &RequestCtx,
        (tenant, client): (TenantId, UserId),
        input: &MedicationInput,
    ) -> Result<Medication, GqlError> {
        self.0.send_json(cx, Method::POST, &paths::medications(tenant, client), input).await
    }

    pub async fn update_medication(
        &self,
        cx: &RequestCtx,
        (tenant, client, id): (TenantId, UserId, Uuid),
        input: &MedicationInput,
    ) -> Result<Medication, GqlError> {
        self.0.send_json(cx, Method::PUT, &paths::medication(tenant, client, id), input).await
    }

    pub async fn amendment_requests(
        &self,
        cx: &RequestCtx,
        tenant: TenantId,
        client: UserId,
    ) -> Result<AmendmentRequestList, GqlError> {
        self.0.get(cx, &paths::amendment_requests(tenant, client)).await
    }

    pub async fn request_amendment(
        &self,
        cx: &RequestCtx,
        (tenant, client): (TenantId, UserId),
        input: &AmendmentRequestInput,
    ) -> Result<AmendmentRequest, GqlError> {
        self.0.send_json(cx, Method::POST, &paths::amendment_requests(tenant, client), input).await
    }

    pub async fn review_amendment(
        &self,
        cx: &RequestCtx,
        (tenant, client, id): (TenantId, UserId, Uuid),
        input: &AmendmentReview,
    ) -> Result<AmendmentRequest, GqlError> {
        self.0.send_json(cx, Method::POST, &paths::amendment_review(tenant, client, id), input).await
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

    pub async fn documents(&self, cx: &RequestCtx, tenant: TenantId, client: UserId) -> Result<DocumentList, GqlError> {
        self.0.get(cx, &paths::documents(tenant, client)).await
    }

    /// Forwards an upload (the file and its percent-encoded title and file name headers) and
    /// returns records' answer as it came, so its 413 and 415 reach the caller unchanged.
    pub async fn upload_document(
        &self,
        cx: &RequestCtx,
        (tenant, client): (TenantId, UserId),
        headers: &[(&'static str, String)],
        content: Vec<u8>,
    ) -> Result<RawAnswer, GqlError> {
        let path = paths::documents(tenant, client);
        self.0.raw(cx, (Method::POST, &path), headers, Some(content), (MAX_RESPONSE, FILE_TIMEOUT)).await
    }

    /// A document's content with its content type, as records answered.
    pub async fn download_document(
        &self,
        cx: &RequestCtx,
        (tenant, client, document): (TenantId, UserId, Uuid),
    ) -> Result<RawAnswer, GqlError> {
        let path = paths::document_content(tenant, client, document);
        self.0.raw(cx, (Method::GET, &path), &[], None, (MAX_DOCUMENT_BYTES, FILE_TIMEOUT)).await
    }

    pub async fn form_templates(&self, cx: &RequestCtx, tenant: TenantId) -> Result<FormTemplateList, GqlError> {
        self.0.get(cx, &paths::form_templates(tenant)).await
    }

    /// A new template (`template` `None`) or a new version of one.
    pub async fn save_form_template(
        &self,
        cx: &RequestCtx,
        tenant: TenantId,
        template: Option<Uuid>,
        input: &TemplateInput,
    ) -> Result<FormTemplate, GqlError> {
        let path = match template {
            Some(template) => paths::form_template_versions(tenant, template),
            None => paths::form_templates(tenant),
        };
        self.0.send_json(cx, Method::POST, &path, input).await
    }

    pub async fn submit_form_response(
        &self,
        cx: &RequestCtx,
        tenant: TenantId,
        client: UserId,
        input: &ResponseInput,
    ) -> Result<FormResponse, GqlError> {
        self.0.send_json(cx, Method::POST, &paths::form_responses(tenant, client), input).await
    }

    pub async fn form_responses(
        &self,
        cx: &RequestCtx,
        tenant: TenantId,
        client: UserId,
    ) -> Result<FormResponseList, GqlError> {
        self.0.get(cx, &paths::form_responses(tenant, client)).await
    }

    pub async fn assessment_history(
        &self,
        cx: &RequestCtx,
        (tenant, client): (TenantId, UserId),
        instrument: Instrument,
    ) -> Result<AssessmentHistory, GqlError> {
        self.0.get(cx, &paths::assessments(tenant, client, instrument)).await
    }

    /// A sealed disclosure package of the client's record (the client's own token; records
    /// asks consent's decision itself). The gateway cannot open it.
    pub async fn disclosure_package(
        &self,
        cx: &RequestCtx,
        (tenant, client): (TenantId, UserId),
        request: &PackageRequest,
    ) -> Result<Package, GqlError> {
        self.0.send_json_large(cx, (Method::POST, &paths::disclosure_packages(tenant, client)), Some(request)).await
    }
}

/// Largest JSON answer to an upload (a document's metadata).
const MAX_RESPONSE: usize = 64 * 1024;
/// A 20 MiB transfer, sealed or opened and written or read, takes longer than a JSON call.
const FILE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);
