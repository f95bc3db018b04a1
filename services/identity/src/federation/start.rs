//! The first leg of a federated sign-in: from identity's sign-in page to the practice's
//! IdP. Creates the flow's secrets (CSRF `state`, `nonce`, PKCE S256 verifier), keeps them
//! in `identity.federation_states` for [`STATE_TTL_SECS`], and returns the IdP's
//! authorization URL. The browser is bound to the flow by a cookie holding the state
//! (`http::federation`), so a callback link cannot be replayed in someone else's browser.

use openidconnect::core::{CoreAuthenticationFlow, CoreClient};
use openidconnect::{ClientId, CsrfToken, Nonce, PkceCodeChallenge, RedirectUrl, Scope};
use sha2::{Digest, Sha256};
use tp_audit_log::action::identity as action;
use tp_audit_log::{Actor, AuditEvent, Outcome};
use tp_db::TenantTx;
use tp_ids::TenantId;
use url::Url;

use super::error::FederationError;
use super::sign_in::AuthorizationRequestId;
use crate::audit;
use crate::db::federated_accounts;
use crate::db::federation_states::{self, NewFederationState};
use crate::db::sso_providers::{self, SsoProviderRow};
use crate::state::AppState;

/// Ten minutes to sign in at the IdP.
pub(crate) const STATE_TTL_SECS: i32 = 600;
/// 256 bits for the state and the nonce (the crate's default is 128).
const RANDOM_BYTES: u32 = 32;

/// Where to send the browser, and the state to bind it to.
pub(crate) struct StartedFlow {
    pub authorization_url: Url,
    pub state: String,
}

/// [`start`] for a practice named by its slug (the sign-in page's link).
pub(crate) async fn start_for_slug(
    state: &AppState,
    slug: &str,
    request: AuthorizationRequestId,
) -> Result<StartedFlow, FederationError> {
    let tenant = federated_accounts::tenant_id_by_slug(&state.db, slug).await?;
    start(state, tenant.ok_or(FederationError::UnknownPractice)?, request).await
}

/// Starts a sign-in through `tenant`'s IdP for the authorization request `request`.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub(crate) async fn start(
    state: &AppState,
    tenant: TenantId,
    request: AuthorizationRequestId,
) -> Result<StartedFlow, FederationError> {
    let provider = enabled_provider(state, tenant).await?;
    if !federated_accounts::authorization_request_is_live(&state.db, request.as_uuid()).await? {
        return Err(FederationError::RequestExpired);
    }
    let metadata =
        state.federation.metadata(&provider.issuer).await.map_err(|e| FederationError::IdpUnavailable(e.into()))?;
    let redirect = RedirectUrl::new(state.federation.redirect_uri().to_owned()).map_err(anyhow::Error::from)?;
    let client = CoreClient::from_provider_metadata((*metadata).clone(), ClientId::new(provider.client_id), None)
        .set_redirect_uri(redirect);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (authorization_url, csrf, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            || CsrfToken::new_random_len(RANDOM_BYTES),
            || Nonce::new_random_len(RANDOM_BYTES),
        )
        .add_scope(Scope::new("email".to_owned()))
        .set_pkce_challenge(challenge)
        .url();
    let new = NewFederationState {
        state_hash: &state_hash(csrf.secret()),
        tenant,
        request_id: request.as_uuid(),
        nonce: nonce.secret(),
        pkce_verifier: verifier.secret(),
        ttl_secs: STATE_TTL_SECS,
    };
    federation_states::insert(&state.db, &new).await?;
    // Nobody is known yet: the person is whoever signs in at the IdP.
    let event = AuditEvent::new(action::SSO_SIGN_IN_STARTED, Outcome::Success, Actor::Anonymous)
        .tenant(tenant)
        .detail("authorization_request", request.as_uuid().to_string());
    // Fail closed: without its event the browser is not sent on (the stored state, never
    // handed out, expires unused).
    audit::emit(&state.db, event).await?;
    Ok(StartedFlow { authorization_url, state: csrf.secret().clone() })
}

/// The tenant's provider when the tenant is active and SSO enabled.
pub(crate) async fn enabled_provider(state: &AppState, tenant: TenantId) -> Result<SsoProviderRow, FederationError> {
    if !federated_accounts::tenant_is_active(&state.db, tenant).await? {
        return Err(FederationError::UnknownPractice);
    }
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let provider = sso_providers::find(&tx).await?;
    tx.commit().await?;
    provider.filter(|p| p.enabled).ok_or(FederationError::SsoNotEnabled)
}

pub(crate) fn state_hash(state: &str) -> [u8; 32] {
    Sha256::digest(state.as_bytes()).into()
}
