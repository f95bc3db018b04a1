//! The URL paths of consent's API. `{template}` is a [`crate::templates::TemplateKey`]: a
//! built-in's key or a practice template's UUID.

use tp_ids::{TenantId, UserId};
use uuid::Uuid;

/// `GET`: the practice's templates, built-in and its own, each at its latest version.
/// `POST`: a new practice template (version 1), practice admins only.
pub fn templates(tenant: TenantId) -> String {
    format!("/v1/tenants/{tenant}/consent-templates")
}

/// `GET`: one template at its latest version.
pub fn template(tenant: TenantId, template: &str) -> String {
    format!("/v1/tenants/{tenant}/consent-templates/{template}")
}

/// `POST`: a new version of a practice template (built-ins cannot be edited).
pub fn template_versions(tenant: TenantId, template: Uuid) -> String {
    format!("/v1/tenants/{tenant}/consent-templates/{template}/versions")
}

/// `GET` / `PUT`: the templates a client must sign before their first appointment.
pub fn requirements(tenant: TenantId) -> String {
    format!("/v1/tenants/{tenant}/consent-requirements")
}

/// `GET`: the client's signed documents, newest first. `POST`: sign one (the client only).
pub fn signatures(tenant: TenantId, client: UserId) -> String {
    format!("/v1/tenants/{tenant}/clients/{client}/consent-documents")
}

/// `GET`: one signed document with its text.
pub fn signature(tenant: TenantId, client: UserId, signature: Uuid) -> String {
    format!("/v1/tenants/{tenant}/clients/{client}/consent-documents/{signature}")
}

/// `POST`: the client withdraws a consent they signed, from now on (the signed document
/// stays as it was). Withdrawing twice answers 409.
pub fn withdrawal(tenant: TenantId, client: UserId, signature: Uuid) -> String {
    format!("/v1/tenants/{tenant}/clients/{client}/consent-documents/{signature}/withdrawal")
}

/// `GET`: whether the client signed every required document (for booking), and whether
/// they consented to session recording. Titles and booleans only.
pub fn readiness(tenant: TenantId, client: UserId) -> String {
    format!("/internal/v1/tenants/{tenant}/clients/{client}/consent-readiness")
}
