//! Disclosure in the schema: the client authorizes a recipient to receive categories of
//! their record and may revoke it, asks for restrictions the practice accepts or declines,
//! and reads the accounting of disclosures; admins read them, ask for a decision before a
//! disclosure and record one made outside the platform. consent decides who may; the
//! decision is never cached anywhere.

use async_graphql::{Context, ID, Object};
use tp_authz::Permission;
use tp_consent_api::disclosure as wire;

use crate::graphql::consent::consent;
use crate::graphql::consent::disclosure_types::{
    AuthorizationInput, DecisionInput, Disclosure, DisclosureAuthorization, DisclosureDecision, DisclosureInput,
    DisclosureRestriction, RestrictionInput, RestrictionReviewInput, wire_categories,
};
use crate::graphql::context::{Require, request_ctx};
use crate::graphql::error::GqlError;
use crate::graphql::ids;

#[derive(Default)]
pub struct DisclosureQuery;

#[Object]
impl DisclosureQuery {
    /// The client's authorizations, newest first: the client their own, practice admins.
    #[graphql(guard = "Require(Permission::DisclosuresRead)")]
    async fn disclosure_authorizations(
        &self,
        ctx: &Context<'_>,
        client_id: ID,
    ) -> Result<Vec<DisclosureAuthorization>, GqlError> {
        let cx = request_ctx(ctx)?;
        let list = consent(ctx)?.authorizations(cx, (cx.tenant()?, ids::user_id(&client_id)?)).await?;
        Ok(list.authorizations.into_iter().map(Into::into).collect())
    }

    /// The client's requested restrictions and their decisions, newest first.
    #[graphql(guard = "Require(Permission::DisclosuresRead)")]
    async fn disclosure_restrictions(
        &self,
        ctx: &Context<'_>,
        client_id: ID,
    ) -> Result<Vec<DisclosureRestriction>, GqlError> {
        let cx = request_ctx(ctx)?;
        let list = consent(ctx)?.restrictions(cx, (cx.tenant()?, ids::user_id(&client_id)?)).await?;
        Ok(list.restrictions.into_iter().map(Into::into).collect())
    }

    /// The accounting of disclosures: what left the practice, to whom, under which
    /// authorizations, when, newest first.
    #[graphql(guard = "Require(Permission::DisclosuresRead)")]
    async fn accounting_of_disclosures(&self, ctx: &Context<'_>, client_id: ID) -> Result<Vec<Disclosure>, GqlError> {
        let cx = request_ctx(ctx)?;
        let list = consent(ctx)?.disclosures(cx, (cx.tenant()?, ids::user_id(&client_id)?)).await?;
        Ok(list.disclosures.into_iter().map(Into::into).collect())
    }

    /// May these categories of the client's record go to this recipient now? Permit or deny,
    /// never the record.
    #[graphql(guard = "Require(Permission::DisclosureDecide)")]
    async fn disclosure_decision(
        &self,
        ctx: &Context<'_>,
        client_id: ID,
        input: DecisionInput,
    ) -> Result<DisclosureDecision, GqlError> {
        let cx = request_ctx(ctx)?;
        let request = wire::DecisionRequest {
            recipient: input.recipient.try_into()?,
            categories: wire_categories(input.categories),
        };
        Ok(consent(ctx)?.decide(cx, (cx.tenant()?, ids::user_id(&client_id)?), &request).await?.into())
    }
}

#[derive(Default)]
pub struct DisclosureMutation;

#[Object]
impl DisclosureMutation {
    /// The caller (a client) authorizes a disclosure of their own record.
    #[graphql(guard = "Require(Permission::DisclosureAuthorize)")]
    async fn authorize_disclosure(
        &self,
        ctx: &Context<'_>,
        client_id: ID,
        input: AuthorizationInput,
    ) -> Result<DisclosureAuthorization, GqlError> {
        let cx = request_ctx(ctx)?;
        let input = wire::AuthorizationInput {
            signature_id: ids::uuid(&input.signature_id, "signed document")?,
            recipient: input.recipient.try_into()?,
            categories: wire_categories(input.categories),
            purpose: input.purpose,
            expires_at: input.expires_at,
            expires_on: input.expires_on.map(Into::into),
        };
        Ok(consent(ctx)?.authorize(cx, (cx.tenant()?, ids::user_id(&client_id)?), &input).await?.into())
    }

    /// The caller (a client) revokes an authorization: every later disclosure under it is
    /// denied.
    #[graphql(guard = "Require(Permission::DisclosureAuthorize)")]
    async fn revoke_authorization(
        &self,
        ctx: &Context<'_>,
        client_id: ID,
        authorization_id: ID,
    ) -> Result<DisclosureAuthorization, GqlError> {
        let cx = request_ctx(ctx)?;
        let key = (cx.tenant()?, ids::user_id(&client_id)?, ids::uuid(&authorization_id, "authorization")?);
        Ok(consent(ctx)?.revoke(cx, key).await?.into())
    }

    /// The caller (a client) asks the practice to restrict a use or disclosure.
    #[graphql(guard = "Require(Permission::RestrictionsRequest)")]
    async fn request_restriction(
        &self,
        ctx: &Context<'_>,
        client_id: ID,
        input: RestrictionInput,
    ) -> Result<DisclosureRestriction, GqlError> {
        let cx = request_ctx(ctx)?;
        let input = wire::RestrictionInput {
            categories: wire_categories(input.categories),
            recipient: input.recipient.map(TryInto::try_into).transpose()?,
            description: input.description,
        };
        Ok(consent(ctx)?.request_restriction(cx, (cx.tenant()?, ids::user_id(&client_id)?), &input).await?.into())
    }

    /// A practice admin accepts or declines a requested restriction, with a reason.
    #[graphql(guard = "Require(Permission::RestrictionsReview)")]
    async fn review_restriction(
        &self,
        ctx: &Context<'_>,
        client_id: ID,
        restriction_id: ID,
        input: RestrictionReviewInput,
    ) -> Result<DisclosureRestriction, GqlError> {
        let cx = request_ctx(ctx)?;
        let key = (cx.tenant()?, ids::user_id(&client_id)?, ids::uuid(&restriction_id, "restriction")?);
        let review = wire::RestrictionReview { accept: input.accept, reason: input.reason };
        Ok(consent(ctx)?.review_restriction(cx, key, &review).await?.into())
    }

    /// A practice admin records a disclosure made outside the platform; decided again when
    /// recorded (FORBIDDEN, and nothing recorded, for a category not permitted now).
    #[graphql(guard = "Require(Permission::DisclosuresRecord)")]
    async fn record_disclosure(
        &self,
        ctx: &Context<'_>,
        client_id: ID,
        input: DisclosureInput,
    ) -> Result<Disclosure, GqlError> {
        let cx = request_ctx(ctx)?;
        let input = wire::DisclosureInput {
            recipient: input.recipient.try_into()?,
            categories: wire_categories(input.categories),
            channel: input.channel,
        };
        Ok(consent(ctx)?.record_disclosure(cx, (cx.tenant()?, ids::user_id(&client_id)?), &input).await?.into())
    }
}
