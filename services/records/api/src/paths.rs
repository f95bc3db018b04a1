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

/// `GET`: the client's record exported (right of access) in `format`: a FHIR R4 Bundle or an
/// HTML summary; drafts and psychotherapy notes are never in it.
pub fn export(tenant: TenantId, client: UserId, format: crate::export::ExportFormat) -> String {
    format!("/v1/tenants/{tenant}/clients/{client}/export?format={}", format.code())
}
