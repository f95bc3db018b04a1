//! The URL paths of records' `/v1` API.

use tp_ids::{TenantId, UserId};

/// `GET`: the client's chart header and demographics.
pub fn chart(tenant: TenantId, client: UserId) -> String {
    format!("/v1/tenants/{tenant}/clients/{client}")
}

/// `PUT`: replace the client's demographics.
pub fn demographics(tenant: TenantId, client: UserId) -> String {
    format!("/v1/tenants/{tenant}/clients/{client}/demographics")
}

/// `GET ?name=…`: clients whose full legal name matches exactly (case, accents and spacing
/// aside), through a blind index; never a scan of decrypted names.
pub fn search(tenant: TenantId) -> String {
    format!("/v1/tenants/{tenant}/clients")
}

/// `GET`: the client's progress notes; `POST`: create a draft.
pub fn notes(tenant: TenantId, client: UserId) -> String {
    format!("/v1/tenants/{tenant}/clients/{client}/notes")
}

/// `GET`: one note; `PUT`: edit a draft (its author only).
pub fn note(tenant: TenantId, client: UserId, note: uuid::Uuid) -> String {
    format!("/v1/tenants/{tenant}/clients/{client}/notes/{note}")
}

/// `POST`: sign a draft (its author only); the note is immutable from then on.
pub fn note_sign(tenant: TenantId, client: UserId, note: uuid::Uuid) -> String {
    format!("/v1/tenants/{tenant}/clients/{client}/notes/{note}/sign")
}

/// `POST`: draft an amendment of a signed note, which stays as it was.
pub fn note_amendments(tenant: TenantId, client: UserId, note: uuid::Uuid) -> String {
    format!("/v1/tenants/{tenant}/clients/{client}/notes/{note}/amendments")
}

/// `GET`: the caller's own psychotherapy notes about the client; `POST`: write one.
pub fn psychotherapy_notes(tenant: TenantId, client: UserId) -> String {
    format!("/v1/tenants/{tenant}/clients/{client}/psychotherapy-notes")
}

/// `GET` / `PUT`: one of the caller's own psychotherapy notes.
pub fn psychotherapy_note(tenant: TenantId, client: UserId, note: uuid::Uuid) -> String {
    format!("/v1/tenants/{tenant}/clients/{client}/psychotherapy-notes/{note}")
}

/// `POST`: open the chart of a client off the caller's care team (emergency access).
pub fn break_glass(tenant: TenantId, client: UserId) -> String {
    format!("/v1/tenants/{tenant}/clients/{client}/break-glass")
}

/// `GET [?active=true]`: the practice's break-glass openings, for its admins to review.
pub fn break_glass_grants(tenant: TenantId) -> String {
    format!("/v1/tenants/{tenant}/break-glass")
}

/// `GET`: the client's diagnoses; `POST`: record one.
pub fn diagnoses(tenant: TenantId, client: UserId) -> String {
    format!("/v1/tenants/{tenant}/clients/{client}/diagnoses")
}

/// `PUT`: replace one diagnosis (code, text, status, onset).
pub fn diagnosis(tenant: TenantId, client: UserId, diagnosis: uuid::Uuid) -> String {
    format!("/v1/tenants/{tenant}/clients/{client}/diagnoses/{diagnosis}")
}

/// `GET`: the client's current treatment plan; `PUT`: replace it (a new version).
pub fn treatment_plan(tenant: TenantId, client: UserId) -> String {
    format!("/v1/tenants/{tenant}/clients/{client}/treatment-plan")
}

/// `GET`: the client's medications; `POST`: record one.
pub fn medications(tenant: TenantId, client: UserId) -> String {
    format!("/v1/tenants/{tenant}/clients/{client}/medications")
}

/// `PUT`: replace one medication entry.
pub fn medication(tenant: TenantId, client: UserId, medication: uuid::Uuid) -> String {
    format!("/v1/tenants/{tenant}/clients/{client}/medications/{medication}")
}

/// `GET`: the client's amendment requests; `POST`: the client requests one.
pub fn amendment_requests(tenant: TenantId, client: UserId) -> String {
    format!("/v1/tenants/{tenant}/clients/{client}/amendment-requests")
}

/// `POST`: accept or decline a pending request, with a reason.
pub fn amendment_review(tenant: TenantId, client: UserId, request: uuid::Uuid) -> String {
    format!("/v1/tenants/{tenant}/clients/{client}/amendment-requests/{request}/review")
}

/// `GET`: the client's record exported (right of access) in `format`: a FHIR R4 Bundle or an
/// HTML summary; drafts and psychotherapy notes are never in it.
pub fn export(tenant: TenantId, client: UserId, format: crate::export::ExportFormat) -> String {
    format!("/v1/tenants/{tenant}/clients/{client}/export?format={}", format.code())
}

/// `GET`: the client's documents (metadata); `POST`: upload one (the raw file as the body).
pub fn documents(tenant: TenantId, client: UserId) -> String {
    format!("/v1/tenants/{tenant}/clients/{client}/documents")
}

/// `GET`: one document's content, served with its sniffed media type.
pub fn document_content(tenant: TenantId, client: UserId, document: uuid::Uuid) -> String {
    format!("/v1/tenants/{tenant}/clients/{client}/documents/{document}/content")
}

/// `GET`: the latest version of each of the practice's form templates; `POST`: a new one.
pub fn form_templates(tenant: TenantId) -> String {
    format!("/v1/tenants/{tenant}/form-templates")
}

/// `POST`: a new version of a template (earlier responses keep answering theirs).
pub fn form_template_versions(tenant: TenantId, template: uuid::Uuid) -> String {
    format!("/v1/tenants/{tenant}/form-templates/{template}/versions")
}

/// `GET`: the client's form responses; `POST`: submit one.
pub fn form_responses(tenant: TenantId, client: UserId) -> String {
    format!("/v1/tenants/{tenant}/clients/{client}/form-responses")
}

/// `GET`: the client's score history for one instrument (`phq9`, `gad7`).
pub fn assessments(tenant: TenantId, client: UserId, instrument: crate::forms::Instrument) -> String {
    format!("/v1/tenants/{tenant}/clients/{client}/assessments/{}", instrument.code())
}

/// `POST` (internal): a sealed disclosure package of the client's record
/// (`disclosure::PackageRequest` -> `disclosure::Package`).
pub fn disclosure_packages(tenant: TenantId, client: UserId) -> String {
    format!("/internal/v1/tenants/{tenant}/clients/{client}/disclosure-packages")
}
