//! Typed calls to consent's API, with the wire types of `tp_consent_api`.

use reqwest::Method;
use tp_consent_api::disclosure::{
    Authorization, AuthorizationInput, AuthorizationList, Decision, DecisionRequest, Disclosure, DisclosureInput,
    DisclosureList, Restriction, RestrictionInput, RestrictionList, RestrictionReview,
};
use tp_consent_api::documents::{Readiness, SignInput, Signature, SignatureList};
use tp_consent_api::paths;
use tp_consent_api::templates::{Requirements, Template, TemplateInput, TemplateList};
use tp_consent_api::transfers::{
    OutsideRequest, OutsideRequestInput, OutsideRequestList, RecordsRequest, RecordsRequestInput, RecordsRequestList,
    RecordsResponse, SentRequest, SentRequestList, SharedRecordsUnlock,
};
use tp_ids::{TenantId, UserId};
use tp_records_api::disclosure::Package;
use uuid::Uuid;

use crate::downstream::{Downstream, RawAnswer};
use crate::graphql::context::RequestCtx;
use crate::graphql::error::GqlError;

#[derive(Clone)]
pub struct ConsentClient(pub Downstream);

impl ConsentClient {
    pub async fn templates(&self, cx: &RequestCtx, tenant: TenantId) -> Result<TemplateList, GqlError> {
        self.0.get(cx, &paths::templates(tenant)).await
    }

    /// `key` is a checked template key (`graphql::consent::template_key`): nothing to escape.
    pub async fn template(&self, cx: &RequestCtx, tenant: TenantId, key: &str) -> Result<Template, GqlError> {
        self.0.get(cx, &paths::template(tenant, key)).await
    }

    pub async fn create_template(
        &self,
        cx: &RequestCtx,
        tenant: TenantId,
        input: &TemplateInput,
    ) -> Result<Template, GqlError> {
        self.0.send_json(cx, Method::POST, &paths::templates(tenant), input).await
    }

    pub async fn revise_template(
        &self,
        cx: &RequestCtx,
        (tenant, template): (TenantId, Uuid),
        input: &TemplateInput,
    ) -> Result<Template, GqlError> {
        self.0.send_json(cx, Method::POST, &paths::template_versions(tenant, template), input).await
    }

    pub async fn requirements(&self, cx: &RequestCtx, tenant: TenantId) -> Result<Requirements, GqlError> {
        self.0.get(cx, &paths::requirements(tenant)).await
    }

    pub async fn set_requirements(
        &self,
        cx: &RequestCtx,
        tenant: TenantId,
        requirements: &Requirements,
    ) -> Result<Requirements, GqlError> {
        self.0.send_json(cx, Method::PUT, &paths::requirements(tenant), requirements).await
    }

    pub async fn signatures(
        &self,
        cx: &RequestCtx,
        (tenant, client): (TenantId, UserId),
    ) -> Result<SignatureList, GqlError> {
        self.0.get(cx, &paths::signatures(tenant, client)).await
    }

    /// Signs as the caller, with the client's address and user agent as the gateway saw
    /// them: consent keeps both as evidence of the signature.
    pub async fn sign(
        &self,
        cx: &RequestCtx,
        (tenant, client): (TenantId, UserId),
        input: &SignInput,
    ) -> Result<Signature, GqlError> {
        let mut headers = vec![("x-forwarded-for", cx.ip().to_string())];
        if let Some(agent) = cx.user_agent() {
            headers.push(("user-agent", agent.to_owned()));
        }
        self.0.send_json_with(cx, (Method::POST, &paths::signatures(tenant, client)), &headers, input).await
    }

    pub async fn withdraw(
        &self,
        cx: &RequestCtx,
        (tenant, client, signature): (TenantId, UserId, Uuid),
    ) -> Result<Signature, GqlError> {
        self.0.send_empty(cx, Method::POST, &paths::withdrawal(tenant, client, signature)).await
    }

    pub async fn readiness(
        &self,
        cx: &RequestCtx,
        (tenant, client): (TenantId, UserId),
    ) -> Result<Readiness, GqlError> {
        self.0.get(cx, &paths::readiness(tenant, client)).await
    }

    pub async fn authorizations(
        &self,
        cx: &RequestCtx,
        (tenant, client): (TenantId, UserId),
    ) -> Result<AuthorizationList, GqlError> {
        self.0.get(cx, &paths::authorizations(tenant, client)).await
    }

    pub async fn authorize(
        &self,
        cx: &RequestCtx,
        (tenant, client): (TenantId, UserId),
        input: &AuthorizationInput,
    ) -> Result<Authorization, GqlError> {
        self.0.send_json(cx, Method::POST, &paths::authorizations(tenant, client), input).await
    }

    pub async fn revoke(
        &self,
        cx: &RequestCtx,
        (tenant, client, authorization): (TenantId, UserId, Uuid),
    ) -> Result<Authorization, GqlError> {
        self.0.send_empty(cx, Method::POST, &paths::authorization_revocation(tenant, client, authorization)).await
    }

    pub async fn restrictions(
        &self,
        cx: &RequestCtx,
        (tenant, client): (TenantId, UserId),
    ) -> Result<RestrictionList, GqlError> {
        self.0.get(cx, &paths::restrictions(tenant, client)).await
    }

    pub async fn request_restriction(
        &self,
        cx: &RequestCtx,
        (tenant, client): (TenantId, UserId),
        input: &RestrictionInput,
    ) -> Result<Restriction, GqlError> {
        self.0.send_json(cx, Method::POST, &paths::restrictions(tenant, client), input).await
    }

    pub async fn review_restriction(
        &self,
        cx: &RequestCtx,
        (tenant, client, restriction): (TenantId, UserId, Uuid),
        review: &RestrictionReview,
    ) -> Result<Restriction, GqlError> {
        self.0.send_json(cx, Method::POST, &paths::restriction_review(tenant, client, restriction), review).await
    }

    pub async fn decide(
        &self,
        cx: &RequestCtx,
        (tenant, client): (TenantId, UserId),
        request: &DecisionRequest,
    ) -> Result<Decision, GqlError> {
        self.0.send_json(cx, Method::POST, &paths::decisions(tenant, client), request).await
    }

    pub async fn disclosures(
        &self,
        cx: &RequestCtx,
        (tenant, client): (TenantId, UserId),
    ) -> Result<DisclosureList, GqlError> {
        self.0.get(cx, &paths::disclosures(tenant, client)).await
    }

    pub async fn record_disclosure(
        &self,
        cx: &RequestCtx,
        (tenant, client): (TenantId, UserId),
        input: &DisclosureInput,
    ) -> Result<Disclosure, GqlError> {
        self.0.send_json(cx, Method::POST, &paths::disclosures(tenant, client), input).await
    }

    pub async fn send_request(
        &self,
        cx: &RequestCtx,
        tenant: TenantId,
        input: &RecordsRequestInput,
    ) -> Result<SentRequest, GqlError> {
        self.0.send_json(cx, Method::POST, &paths::records_requests(tenant), input).await
    }

    pub async fn sent_requests(&self, cx: &RequestCtx, tenant: TenantId) -> Result<SentRequestList, GqlError> {
        self.0.get(cx, &paths::records_requests(tenant)).await
    }

    /// The package's FHIR Bundle, once.
    pub async fn download(
        &self,
        cx: &RequestCtx,
        (tenant, request): (TenantId, Uuid),
    ) -> Result<serde_json::Value, GqlError> {
        let path = paths::records_request_download(tenant, request);
        self.0.send_json_large(cx, (Method::POST, &path), None::<&()>).await
    }

    pub async fn client_requests(
        &self,
        cx: &RequestCtx,
        (tenant, client): (TenantId, UserId),
    ) -> Result<RecordsRequestList, GqlError> {
        self.0.get(cx, &paths::client_records_requests(tenant, client)).await
    }

    pub async fn respond(
        &self,
        cx: &RequestCtx,
        (tenant, client, request): (TenantId, UserId, Uuid),
        answer: &RecordsResponse,
    ) -> Result<RecordsRequest, GqlError> {
        self.0.send_json(cx, Method::POST, &paths::records_request_response(tenant, client, request), answer).await
    }

    /// Hands the sealed package records made to consent.
    pub async fn hand_over(
        &self,
        cx: &RequestCtx,
        (tenant, client, request): (TenantId, UserId, Uuid),
        package: &Package,
    ) -> Result<RecordsRequest, GqlError> {
        let path = paths::records_request_package(tenant, client, request);
        self.0.send_json_large(cx, (Method::PUT, &path), Some(package)).await
    }

    /// A practice member records an outside provider's request for `client`.
    pub async fn record_outside(
        &self,
        cx: &RequestCtx,
        (tenant, client): (TenantId, UserId),
        input: &OutsideRequestInput,
    ) -> Result<OutsideRequest, GqlError> {
        self.0.send_json(cx, Method::POST, &paths::outside_records_requests_of(tenant, client), input).await
    }

    pub async fn outside_requests(&self, cx: &RequestCtx, tenant: TenantId) -> Result<OutsideRequestList, GqlError> {
        self.0.get(cx, &paths::outside_records_requests(tenant)).await
    }

    /// An outside provider's download: no bearer token (the link's token and code are the
    /// credentials); consent's answer as it came, whatever its status.
    pub async fn shared_records(
        &self,
        cx: &RequestCtx,
        (tenant, request): (TenantId, Uuid),
        unlock: &SharedRecordsUnlock,
    ) -> Result<RawAnswer, GqlError> {
        self.0.anonymous_json(cx, (&paths::shared_records(tenant, request), unlock)).await
    }
}
