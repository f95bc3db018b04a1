//! Signed consent documents in the schema: a client signs a template they read and may
//! withdraw a consent later; the client and the practice's admins read the signed
//! documents; staff, clinicians and admins see whether a client is ready to book.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use tp_authz::Permission;
use tp_consent_api::documents;

use crate::graphql::consent::templates::ConsentDocumentKind;
use crate::graphql::consent::{consent, template_key};
use crate::graphql::context::{Require, request_ctx};
use crate::graphql::error::GqlError;
use crate::graphql::ids;

/// A signed document, exactly as signed. `withdrawnAt` is set once the client withdrew it.
#[derive(SimpleObject)]
pub struct SignedConsentDocument {
    pub id: ID,
    pub client_id: ID,
    pub template: String,
    pub kind: ConsentDocumentKind,
    pub title: String,
    pub version: u32,
    pub text: String,
    pub text_sha256: String,
    pub typed_name: String,
    /// The client's address as the gateway saw the signing request.
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub signed_at: DateTime<Utc>,
    pub withdrawn_at: Option<DateTime<Utc>>,
}

impl From<documents::Signature> for SignedConsentDocument {
    fn from(s: documents::Signature) -> Self {
        Self {
            id: ID(s.id.to_string()),
            client_id: ID(s.client_id.to_string()),
            template: s.template,
            kind: s.kind.into(),
            title: s.title,
            version: s.version,
            text: s.text,
            text_sha256: s.text_sha256,
            typed_name: s.typed_name,
            ip: s.ip,
            user_agent: s.user_agent,
            signed_at: s.signed_at,
            withdrawn_at: s.withdrawn_at,
        }
    }
}

/// What the client read (a template, its version and the SHA-256 of its text) and the name
/// they type (1–200 characters). Anything but the template's current version and hash is
/// CONFLICT: read it again.
#[derive(InputObject)]
pub struct SignConsentInput {
    pub template: String,
    pub version: u32,
    pub text_sha256: String,
    pub typed_name: String,
}

/// A template still to sign.
#[derive(SimpleObject)]
pub struct MissingConsentDocument {
    pub template: String,
    pub title: String,
}

/// Whether the client signed every document the practice requires before a first
/// appointment, what is missing, and whether they consented to session recording.
#[derive(SimpleObject)]
pub struct ConsentReadiness {
    pub ready_to_book: bool,
    pub missing: Vec<MissingConsentDocument>,
    pub recording_consented: bool,
}

#[derive(Default)]
pub struct ConsentDocumentsQuery;

#[Object]
impl ConsentDocumentsQuery {
    /// The client's signed consent documents, newest first: the client their own, practice
    /// admins any client's.
    #[graphql(guard = "Require(Permission::ConsentDocumentsRead)")]
    async fn consent_documents(
        &self,
        ctx: &Context<'_>,
        client_id: ID,
    ) -> Result<Vec<SignedConsentDocument>, GqlError> {
        let cx = request_ctx(ctx)?;
        let list = consent(ctx)?.signatures(cx, (cx.tenant()?, ids::user_id(&client_id)?)).await?;
        Ok(list.signatures.into_iter().map(Into::into).collect())
    }

    /// Whether the client may book a first appointment and may be recorded: titles and
    /// booleans only.
    #[graphql(guard = "Require(Permission::ConsentReadinessRead)")]
    async fn consent_readiness(&self, ctx: &Context<'_>, client_id: ID) -> Result<ConsentReadiness, GqlError> {
        let cx = request_ctx(ctx)?;
        let readiness = consent(ctx)?.readiness(cx, (cx.tenant()?, ids::user_id(&client_id)?)).await?;
        Ok(ConsentReadiness {
            ready_to_book: readiness.ready_to_book,
            missing: readiness
                .missing
                .into_iter()
                .map(|m| MissingConsentDocument { template: m.template, title: m.title })
                .collect(),
            recording_consented: readiness.recording_consented,
        })
    }
}

#[derive(Default)]
pub struct ConsentDocumentsMutation;

#[Object]
impl ConsentDocumentsMutation {
    /// The caller (a client) signs a consent document for themself.
    #[graphql(guard = "Require(Permission::ConsentSign)")]
    async fn sign_consent_document(
        &self,
        ctx: &Context<'_>,
        client_id: ID,
        input: SignConsentInput,
    ) -> Result<SignedConsentDocument, GqlError> {
        let cx = request_ctx(ctx)?;
        let input = documents::SignInput {
            template: template_key(&input.template)?.to_owned(),
            version: input.version,
            text_sha256: input.text_sha256,
            typed_name: input.typed_name,
        };
        Ok(consent(ctx)?.sign(cx, (cx.tenant()?, ids::user_id(&client_id)?), &input).await?.into())
    }

    /// The caller (a client) withdraws a consent they signed, from now on; the signed
    /// document stays as it was.
    #[graphql(guard = "Require(Permission::ConsentSign)")]
    async fn withdraw_consent_document(
        &self,
        ctx: &Context<'_>,
        client_id: ID,
        document_id: ID,
    ) -> Result<SignedConsentDocument, GqlError> {
        let cx = request_ctx(ctx)?;
        let key = (cx.tenant()?, ids::user_id(&client_id)?, ids::item_id(&document_id)?);
        Ok(consent(ctx)?.withdraw(cx, key).await?.into())
    }
}
