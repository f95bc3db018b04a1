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

/// `GET`: the client's authorizations (the client, practice admins). `POST`: a new one (the
/// client, for themself).
pub fn authorizations(tenant: TenantId, client: UserId) -> String {
    format!("/v1/tenants/{tenant}/clients/{client}/authorizations")
}

/// `POST`: the client revokes an authorization, for every later disclosure; twice is 409.
pub fn authorization_revocation(tenant: TenantId, client: UserId, authorization: Uuid) -> String {
    format!("/v1/tenants/{tenant}/clients/{client}/authorizations/{authorization}/revocation")
}

/// `GET`: the client's restrictions (the client, practice admins). `POST`: a new request
/// (the client, for themself).
pub fn restrictions(tenant: TenantId, client: UserId) -> String {
    format!("/v1/tenants/{tenant}/clients/{client}/restrictions")
}

/// `POST`: a practice admin accepts or declines a requested restriction.
pub fn restriction_review(tenant: TenantId, client: UserId, restriction: Uuid) -> String {
    format!("/v1/tenants/{tenant}/clients/{client}/restrictions/{restriction}/review")
}

/// `POST`: the decision before a disclosure (`DecisionRequest` -> `Decision`).
pub fn decisions(tenant: TenantId, client: UserId) -> String {
    format!("/internal/v1/tenants/{tenant}/clients/{client}/decisions")
}

/// `GET`: the accounting of disclosures (the client, practice admins). `POST`: record a
/// disclosure made outside the platform (practice admins).
pub fn disclosures(tenant: TenantId, client: UserId) -> String {
    format!("/v1/tenants/{tenant}/clients/{client}/disclosures")
}

/// `POST`: ask another practice for a client's records (`transfers::RecordsRequestInput` ->
/// `transfers::SentRequest`). `GET`: the caller's own requests.
pub fn records_requests(tenant: TenantId) -> String {
    format!("/v1/tenants/{tenant}/records-requests")
}

/// `POST`: the requester downloads an approved package, once (a FHIR R4 Bundle).
pub fn records_request_download(tenant: TenantId, request: Uuid) -> String {
    format!("/v1/tenants/{tenant}/records-requests/{request}/download")
}

/// `GET`: the records requests about the client (the client).
pub fn client_records_requests(tenant: TenantId, client: UserId) -> String {
    format!("/v1/tenants/{tenant}/clients/{client}/records-requests")
}

/// `POST`: the client approves or declines (`transfers::RecordsResponse`).
pub fn records_request_response(tenant: TenantId, client: UserId, request: Uuid) -> String {
    format!("/v1/tenants/{tenant}/clients/{client}/records-requests/{request}/response")
}

/// `PUT`: the client hands over the sealed package records made for an approved request
/// (`tp_records_api::disclosure::Package`).
pub fn records_request_package(tenant: TenantId, client: UserId, request: Uuid) -> String {
    format!("/v1/tenants/{tenant}/clients/{client}/records-requests/{request}/package")
}

/// `POST`: a practice member records an outside provider's request for the client's records
/// (`transfers::OutsideRequestInput` -> `transfers::OutsideRequest`).
pub fn outside_records_requests_of(tenant: TenantId, client: UserId) -> String {
    format!("/v1/tenants/{tenant}/clients/{client}/outside-records-requests")
}

/// `GET`: the requests recorded in the practice for outside providers, with the one-time code
/// while a package waits.
pub fn outside_records_requests(tenant: TenantId) -> String {
    format!("/v1/tenants/{tenant}/outside-records-requests")
}

/// `POST` (public, no bearer token): an outside provider downloads the records with the
/// link's token and the one-time code (`transfers::SharedRecordsUnlock`).
pub fn shared_records(tenant: TenantId, request: Uuid) -> String {
    format!("/v1/shared-records/{tenant}/{request}")
}
