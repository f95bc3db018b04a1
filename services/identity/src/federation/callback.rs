//! The second leg of a federated sign-in: the IdP's redirect back to
//! `/federation/callback`. In order: the state must be this browser's and unused (it is
//! taken, so it works once); the practice must still be active with SSO enabled; the IdP's
//! `iss` parameter (RFC 9207), when sent, must be the configured issuer; the code is
//! exchanged with the PKCE verifier and client secret; the ID token must verify (signature
//! by the IdP's JWKS with an asymmetric algorithm, issuer, audience, expiry, nonce, at_hash);
//! the email and `email_verified` come from the ID token, or else from userinfo; then the
//! rules of [`super::linking`], the membership check and the exclusivity rule. Only then is
//! anything changed.
//!
//! The exclusivity rule: SSO signs in only people whose account belongs to that practice
//! alone. A practice's admin chooses its IdP and its allowed domains and can invite any
//! address, so an IdP asserting someone's email proves nothing to any *other* practice, nor
//! to the platform. An account that is a platform operator, or has a membership that is not
//! removed in any other practice (invited or active, whatever that practice's status), is
//! refused (`IDENTITY_SSO_ACCOUNT_NOT_EXCLUSIVE`, audited as denied); such a person signs in
//! with their password. The session a federated sign-in starts is bound to the practice
//! too (`signin::federated`), so a membership gained elsewhere later never shows through it.

use openidconnect::core::CoreUserInfoClaims;
use openidconnect::core::{CoreClient, CoreIdTokenVerifier, CoreJwsSigningAlgorithm as Alg, CoreTokenResponse};
use openidconnect::{
    AccessTokenHash, AuthType, AuthorizationCode, ClientId, ClientSecret, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, Nonce, OAuth2TokenResponse, PkceCodeVerifier, RedirectUrl, RequestTokenError, TokenResponse,
    UserInfoError,
};
use secrecy::ExposeSecret;
use tp_audit_log::action::identity as action;
use tp_audit_log::{Actor, AuditEvent, Outcome, Subject};
use tp_db::{DbError, TenantTx};
use tp_ids::{TenantId, UserId};

use super::config::client_secret;
use super::error::FederationError;
use super::linking::vouched_email;
use super::sign_in::{AuthorizationRequestId, FederatedSignIn};
use super::start::{enabled_provider, state_hash};
use crate::audit::{self, OptionalTenant as _};
use crate::db::federation_states::{self, TakenFederationState};
use crate::db::sso_providers::SsoProviderRow;
use crate::db::{federated_accounts, own_memberships};
use crate::state::AppState;

type RpClient =
    CoreClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointMaybeSet, EndpointMaybeSet>;

/// Signatures only a key holder can make: never `none`, nor HMAC keyed by a secret we share.
const ALLOWED_ALGS: [Alg; 10] = [
    Alg::RsaSsaPkcs1V15Sha256,
    Alg::RsaSsaPkcs1V15Sha384,
    Alg::RsaSsaPkcs1V15Sha512,
    Alg::RsaSsaPssSha256,
    Alg::RsaSsaPssSha384,
    Alg::RsaSsaPssSha512,
    Alg::EcdsaP256Sha256,
    Alg::EcdsaP384Sha384,
    Alg::EcdsaP521Sha512,
    Alg::EdDsa,
];

/// The query of the IdP's redirect, every part optional until checked.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct CallbackParams {
    pub state: Option<String>,
    pub code: Option<String>,
    pub error: Option<String>,
    pub iss: Option<String>,
}

/// What the IdP said about the person, before our rules.
struct IdpIdentity {
    email: Option<String>,
    email_verified: Option<bool>,
}

/// Runs every check and links the member; `browser_state` is the state cookie. Every
/// refusal is audited with its code as the reason (`refused`), the success in [`link`].
#[tracing::instrument(skip_all)]
pub(crate) async fn finish(
    app: &AppState,
    params: CallbackParams,
    browser_state: Option<&str>,
) -> Result<(FederatedSignIn, AuthorizationRequestId), FederationError> {
    let flow = match take_state(app, params.state.as_deref(), browser_state).await {
        Ok(flow) => flow,
        Err(err) => return Err(refused(app, None, err).await),
    };
    let tenant = flow.tenant;
    match checked_member(app, &flow, params).await {
        Ok(user) => Ok((FederatedSignIn { user, tenant }, AuthorizationRequestId::from_uuid(flow.request_id))),
        Err(err) => Err(refused(app, Some(tenant), err).await),
    }
}

/// The checks after the state, in the order of the module docs; the linked member.
async fn checked_member(
    app: &AppState,
    flow: &TakenFederationState,
    params: CallbackParams,
) -> Result<UserId, FederationError> {
    let tenant = flow.tenant;
    let provider = enabled_provider(app, tenant).await?;
    if params.error.is_some() {
        return Err(FederationError::IdpDeclined);
    }
    if params.iss.as_deref().is_some_and(|iss| iss != provider.issuer) {
        return Err(FederationError::IssuerMismatch);
    }
    let code = params.code.ok_or(FederationError::IdpDeclined)?;
    let identity = idp_identity(app, tenant, &provider, code, flow).await?;
    let email = vouched_email(identity.email.as_deref(), identity.email_verified, &provider.allowed_domains)?;
    link(app, tenant, &email).await
}

/// Records the refused sign-in (of `tenant`, when the state named one) and returns `err`.
/// The person is unknown (`Anonymous`) and the reason is the error's code: nothing the IdP
/// sent is written. Failures on our side or the IdP's refuse nobody and are not recorded.
/// When the event cannot be written, that error is returned instead: refused either way.
async fn refused(app: &AppState, tenant: Option<TenantId>, err: FederationError) -> FederationError {
    let Some(outcome) = err.audit_outcome() else { return err };
    let event = AuditEvent::new(action::SSO_SIGN_IN_FAILED, outcome, Actor::Anonymous)
        .tenant_opt(tenant)
        .detail("reason", err.code());
    match audit::emit(&app.db, event).await {
        Ok(()) => err,
        Err(audit_err) => audit_err.into(),
    }
}

/// The flow of `state` if this browser started it and it is unused and unexpired; taken.
async fn take_state(
    app: &AppState,
    state: Option<&str>,
    browser_state: Option<&str>,
) -> Result<TakenFederationState, FederationError> {
    let (Some(state), Some(browser_state)) = (state, browser_state) else {
        return Err(FederationError::InvalidState);
    };
    // Digests compared, not the values: no timing signal about the cookie.
    let hash = state_hash(state);
    if hash != state_hash(browser_state) {
        return Err(FederationError::InvalidState);
    }
    federation_states::take(&app.db, &hash).await?.ok_or(FederationError::InvalidState)
}

/// Exchanges the code and returns the verified ID token's (or userinfo's) email claims.
async fn idp_identity(
    app: &AppState,
    tenant: TenantId,
    provider: &SsoProviderRow,
    code: String,
    flow: &TakenFederationState,
) -> Result<IdpIdentity, FederationError> {
    let client = rp_client(app, tenant, provider).await?;
    let token = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| FederationError::Internal(e.into()))?
        .set_pkce_verifier(PkceCodeVerifier::new(flow.pkce_verifier.clone()))
        .request_async(app.federation.http())
        .await
        .map_err(exchange_error)?;
    let verifier = client.id_token_verifier().set_allowed_algs(ALLOWED_ALGS);
    let claims = verified_claims(&token, &verifier, &Nonce::new(flow.nonce.clone())).inspect_err(|_| {
        // Perhaps the IdP rotated its keys: the next attempt fetches them afresh.
        app.federation.forget(&provider.issuer);
    })?;
    if let Some(email) = claims.email() {
        return Ok(IdpIdentity { email: Some(email.to_string()), email_verified: claims.email_verified() });
    }
    // Providers that keep the ID token small (oidc-provider's default) answer from userinfo.
    let request = client
        .user_info(token.access_token().clone(), Some(claims.subject().clone()))
        .map_err(|_| FederationError::EmailMissing)?;
    let info: CoreUserInfoClaims = request.request_async(app.federation.http()).await.map_err(userinfo_error)?;
    Ok(IdpIdentity { email: info.email().map(|e| e.to_string()), email_verified: info.email_verified() })
}

async fn rp_client(app: &AppState, tenant: TenantId, provider: &SsoProviderRow) -> Result<RpClient, FederationError> {
    let secret = client_secret(&app.vault, tenant)
        .await?
        .ok_or_else(|| anyhow::anyhow!("SSO client secret missing from Vault"))?;
    let metadata =
        app.federation.metadata(&provider.issuer).await.map_err(|e| FederationError::IdpUnavailable(e.into()))?;
    // client_secret_basic unless the provider only takes client_secret_post.
    let basic = openidconnect::core::CoreClientAuthMethod::ClientSecretBasic;
    let post = openidconnect::core::CoreClientAuthMethod::ClientSecretPost;
    let methods = metadata.token_endpoint_auth_methods_supported();
    let post_only = methods.is_some_and(|m| !m.contains(&basic) && m.contains(&post));
    let redirect = RedirectUrl::new(app.federation.redirect_uri().to_owned()).map_err(anyhow::Error::from)?;
    let client = CoreClient::from_provider_metadata(
        (*metadata).clone(),
        ClientId::new(provider.client_id.clone()),
        Some(ClientSecret::new(secret.expose_secret().to_owned())),
    )
    .set_redirect_uri(redirect);
    Ok(if post_only { client.set_auth_type(AuthType::RequestBody) } else { client })
}

/// The ID token's claims once signature, issuer, audience, expiry, nonce and at_hash hold.
fn verified_claims<'t>(
    token: &'t CoreTokenResponse,
    verifier: &CoreIdTokenVerifier<'_>,
    nonce: &Nonce,
) -> Result<&'t openidconnect::core::CoreIdTokenClaims, FederationError> {
    let id_token = token.id_token().ok_or(FederationError::IdTokenInvalid)?;
    let claims = id_token.claims(verifier, nonce).map_err(|e| {
        // The variant's text names issuers, audiences or times: nothing about the person.
        tracing::info!(reason = %e, "ID token refused");
        FederationError::IdTokenInvalid
    })?;
    if let Some(expected) = claims.access_token_hash() {
        let alg = id_token.signing_alg().map_err(|_| FederationError::IdTokenInvalid)?;
        let key = id_token.signing_key(verifier).map_err(|_| FederationError::IdTokenInvalid)?;
        let actual =
            AccessTokenHash::from_token(token.access_token(), alg, key).map_err(|_| FederationError::IdTokenInvalid)?;
        if actual != *expected {
            return Err(FederationError::IdTokenInvalid);
        }
    }
    Ok(claims)
}

/// Links `email` to its account if it has an invited or active membership in `tenant` and
/// belongs to no other practice nor the platform (the module's exclusivity rule); the
/// sign-in, and the activation of an invited membership, are recorded with the change.
async fn link(app: &AppState, tenant: TenantId, email: &str) -> Result<UserId, FederationError> {
    let tx = TenantTx::begin(&app.db, tenant).await?;
    let candidate = federated_accounts::find_member(&tx, email).await?;
    let Some(member) = candidate.filter(|c| {
        c.user_status != "disabled" && matches!(c.membership_status.as_deref(), Some("invited" | "active"))
    }) else {
        return Err(FederationError::NoMembership);
    };
    let elsewhere = own_memberships::belongs_elsewhere(&app.db, member.user, tenant).await.map_err(DbError::from)?;
    if member.platform_operator || elsewhere {
        return Err(FederationError::AccountNotExclusive);
    }
    if !federated_accounts::link_member(&tx, member.user).await? {
        return Err(FederationError::NoMembership);
    }
    let event = |what| {
        AuditEvent::new(what, Outcome::Success, Actor::User(member.user))
            .tenant(tenant)
            .subject(Subject::new("user", member.user))
    };
    if member.membership_status.as_deref() == Some("invited") {
        audit::record(&*tx, &event(action::MEMBERSHIP_ACTIVATED)).await?;
    }
    audit::record(&*tx, &event(action::SSO_SIGN_IN_SUCCEEDED)).await?;
    tx.commit().await?;
    Ok(member.user)
}

fn exchange_error<RE: std::error::Error + Send + Sync + 'static, T: openidconnect::ErrorResponse>(
    err: RequestTokenError<RE, T>,
) -> FederationError {
    match err {
        RequestTokenError::ServerResponse(_) => FederationError::ExchangeRejected,
        RequestTokenError::Request(e) => FederationError::IdpUnavailable(e.into()),
        // Not the parse error itself: serde would quote the body, which holds tokens.
        RequestTokenError::Parse(..) => FederationError::IdpUnavailable(anyhow::anyhow!("unparsable token response")),
        RequestTokenError::Other(text) => FederationError::IdpUnavailable(anyhow::anyhow!(text)),
    }
}

fn userinfo_error<RE: std::error::Error + Send + Sync + 'static>(err: UserInfoError<RE>) -> FederationError {
    match err {
        UserInfoError::ClaimsVerification(_) => FederationError::IdTokenInvalid,
        UserInfoError::Request(e) => FederationError::IdpUnavailable(e.into()),
        UserInfoError::Response(status, _, _) => {
            FederationError::IdpUnavailable(anyhow::anyhow!("userinfo answered {status}"))
        }
        _ => FederationError::IdpUnavailable(anyhow::anyhow!("unusable userinfo response")),
    }
}
