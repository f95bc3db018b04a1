//! What identity issues: access tokens (RFC 9068 JWTs, claims per `tp_auth::AccessClaims`),
//! ID tokens (OpenID Connect Core 2), opaque refresh tokens, and the token response.
//!
//! Not here: deciding *whether* to issue (the grant modules) and signing (`signing`).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest as _, Sha256};
use tp_auth::{AccessClaims, Role};
use tp_ids::{ClientId, SessionId, TenantId, TokenId};

use crate::db::subjects::Subject;
use crate::domain::scope::{self, ScopeSet};
use crate::domain::secret;
use crate::error::Error;
use crate::signing::TokenType;
use crate::state::AppState;

/// The token endpoint's success body (RFC 6749 section 5.1).
#[derive(Debug, Serialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: u64,
    pub scope: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
}

/// Everything an access token says.
pub(crate) struct AccessGrant<'a> {
    pub client_id: &'a ClientId,
    /// A user id for people, the client id for client-credentials tokens.
    pub subject: String,
    pub tenant: Option<TenantId>,
    pub session: SessionId,
    pub roles: Vec<Role>,
    pub scopes: &'a ScopeSet,
}

pub(crate) async fn access_token(state: &AppState, grant: &AccessGrant<'_>) -> Result<String, Error> {
    let now = Utc::now().timestamp();
    let claims = AccessClaims {
        iss: state.settings.issuer().to_owned(),
        sub: grant.subject.clone(),
        aud: state.settings.audience.clone(),
        exp: now + ttl(state.settings.access_token_ttl_secs),
        iat: now,
        jti: TokenId::generate().to_string(),
        sid: grant.session.to_string(),
        tid: grant.tenant.map(|t| t.to_string()),
        roles: grant.roles.clone(),
        scope: grant.scopes.to_string(),
        client_id: grant.client_id.to_string(),
    };
    state.signer.sign(TokenType::Access, &claims).await
}

/// What an ID token says about the sign-in, beyond the subject's own claims.
pub(crate) struct IdGrant<'a> {
    pub client_id: &'a ClientId,
    pub user: String,
    pub session: SessionId,
    pub auth_time: DateTime<Utc>,
    pub nonce: Option<&'a str>,
    pub scopes: &'a ScopeSet,
    pub subject: &'a Subject,
    pub access_token: &'a str,
}

#[derive(Serialize)]
struct IdClaims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    exp: i64,
    iat: i64,
    auth_time: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    nonce: Option<&'a str>,
    sid: String,
    at_hash: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email_verified: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
}

pub(crate) async fn id_token(state: &AppState, grant: &IdGrant<'_>) -> Result<String, Error> {
    let now = Utc::now().timestamp();
    let email = grant.scopes.contains(scope::EMAIL);
    let claims = IdClaims {
        iss: state.settings.issuer(),
        sub: &grant.user,
        aud: grant.client_id.as_str(),
        exp: now + ttl(state.settings.id_token_ttl_secs),
        iat: now,
        auth_time: grant.auth_time.timestamp(),
        nonce: grant.nonce,
        sid: grant.session.to_string(),
        at_hash: at_hash(grant.access_token),
        email: email.then_some(grant.subject.email.as_str()),
        email_verified: email.then_some(grant.subject.email_verified),
        name: if grant.scopes.contains(scope::PROFILE) { grant.subject.name.as_deref() } else { None },
    };
    state.signer.sign(TokenType::Id, &claims).await
}

/// OpenID Connect Core 3.1.3.6: base64url of the left half of SHA-256 of the access token.
fn at_hash(access_token: &str) -> String {
    let digest = Sha256::digest(access_token.as_bytes());
    URL_SAFE_NO_PAD.encode(digest.get(..16).unwrap_or_default())
}

/// A new refresh token: the secret for the client and the digest to store.
pub(crate) fn new_refresh_secret() -> (String, Vec<u8>) {
    let token = secret::generate();
    let hash = secret::digest(&token);
    (token, hash)
}

/// When a new refresh token expires: after `refresh_token_ttl_secs`, never after its session.
pub(crate) fn refresh_expiry(state: &AppState, session_expires_at: DateTime<Utc>) -> DateTime<Utc> {
    chrono::TimeDelta::try_seconds(ttl(state.settings.refresh_token_ttl_secs))
        .and_then(|ttl| Utc::now().checked_add_signed(ttl))
        .map_or(session_expires_at, |expiry| expiry.min(session_expires_at))
}

/// Seconds as JWT time arithmetic wants them; settings are far below `i64::MAX`.
fn ttl(secs: u64) -> i64 {
    i64::try_from(secs).unwrap_or(i64::MAX / 2)
}

pub(crate) fn response(
    state: &AppState,
    access_token: String,
    scopes: &ScopeSet,
    refresh_token: Option<String>,
    id_token: Option<String>,
) -> TokenResponse {
    TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in: state.settings.access_token_ttl_secs,
        scope: scopes.to_string(),
        refresh_token,
        id_token,
    }
}
