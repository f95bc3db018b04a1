//! Authorization codes: [`issue_code`] (called by the authorize endpoint once a person has
//! signed in) and their exchange at the token endpoint (RFC 6749 section 4.1.3, RFC 7636).
//!
//! A code is single use. A second presentation by its client is treated as theft (RFC 6749
//! section 4.1.2): the refresh family the first exchange started and the session are
//! revoked. The exchange checks everything before it consumes the code, so a request with a
//! wrong verifier or redirect_uri does not burn a code the real client still holds.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use tp_audit_log::action::identity as action;
use tp_audit_log::{Actor, AuditEvent, Outcome, Subject};
use tp_ids::{ClientId, SessionId, TenantId, UserId};

use super::error::OAuthError;
use super::params::Params;
use super::person::{self, PersonGrant};
use super::revocation::revoke_compromised;
use super::tokens::{self, TokenResponse};
use crate::audit::{self, OptionalTenant as _, ScopedTx};
use crate::db::clients::ClientRow;
use crate::db::codes::{self, CodeInsert, CodeRow};
use crate::db::refresh_tokens::{self, NewRefreshToken};
use crate::domain::pkce::{CodeChallenge, CodeVerifier};
use crate::domain::redirect_uri;
use crate::domain::scope::ScopeSet;
use crate::domain::secret;
use crate::error::Error;
use crate::state::AppState;

/// A code to issue: everything the exchange needs to mint tokens for this sign-in.
#[derive(Debug, Clone)]
pub struct NewCode {
    pub client_id: ClientId,
    pub user: UserId,
    /// The practice the person chose; `None` only for platform operators.
    pub tenant: Option<TenantId>,
    /// The person's session at identity (`stage = 'authenticated'`); becomes the `sid`.
    pub session: SessionId,
    /// Exactly as the authorize request sent it (already checked against the client's).
    pub redirect_uri: String,
    pub scopes: ScopeSet,
    pub nonce: Option<String>,
    pub code_challenge: CodeChallenge,
    pub auth_time: DateTime<Utc>,
}

/// Stores the code (hashed) and returns it, to be sent to the client's redirect_uri. It
/// expires after `ttl` (`identity.code_ttl_secs`).
#[tracing::instrument(skip_all)]
pub async fn issue_code(db: &DatabaseConnection, ttl: Duration, code: NewCode) -> Result<String, Error> {
    let value = secret::generate();
    let insert = CodeInsert {
        hash: secret::digest(&value),
        client_id: code.client_id.to_string(),
        user: code.user,
        tenant: code.tenant,
        session: code.session,
        redirect_uri: code.redirect_uri,
        scopes: code.scopes.to_vec(),
        nonce: code.nonce,
        code_challenge: code.code_challenge.as_str().to_owned(),
        auth_time: code.auth_time,
        ttl_secs: i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX),
    };
    codes::insert(db, insert).await?;
    Ok(value)
}

const INVALID_CODE: OAuthError = OAuthError::invalid_grant("the code is invalid, expired or already used");

pub(crate) async fn exchange(
    state: &AppState,
    client: &ClientRow,
    params: &Params,
) -> Result<TokenResponse, OAuthError> {
    if !client.grant_types.iter().any(|g| g == "authorization_code") {
        return Err(OAuthError::unauthorized_client("the client may not use the authorization code grant"));
    }
    let code = params.require("code", "code is required")?;
    let redirect_uri = params.require("redirect_uri", "redirect_uri is required")?;
    let verifier = params.require("code_verifier", "code_verifier is required (PKCE)")?;
    let verifier = CodeVerifier::parse(verifier).map_err(|_| OAuthError::invalid_request("malformed code_verifier"))?;

    let hash = secret::digest(code);
    let row = codes::find(&state.db, &hash).await?.ok_or(INVALID_CODE)?;
    if row.client_id != client.id.as_str() {
        return Err(INVALID_CODE);
    }
    if row.used {
        revoke_compromised(state, row.refresh_family, row.session, replayed(client, &row)).await?;
        return Err(INVALID_CODE);
    }
    if row.expired {
        return Err(INVALID_CODE);
    }
    // Exact match with the authorize request's, and still registered (it may have been
    // removed from the client since the code was issued).
    if row.redirect_uri != redirect_uri || !redirect_uri::is_registered(&client.redirect_uris, redirect_uri) {
        return Err(OAuthError::invalid_grant("redirect_uri does not match the authorization request"));
    }
    let challenge = CodeChallenge::from_stored(&row.code_challenge).map_err(|_| INVALID_CODE)?;
    if !challenge.is_satisfied_by(&verifier) {
        return Err(OAuthError::invalid_grant("code_verifier does not match the code_challenge"));
    }
    let scopes = ScopeSet::from_names(row.scopes.iter().map(String::as_str)).map_err(|_| INVALID_CODE)?;

    let grant = PersonGrant {
        client,
        user: row.user,
        tenant: row.tenant,
        session: row.session,
        nonce: row.nonce.as_deref(),
        auth_time: Some(row.auth_time),
        scopes: &scopes,
    };
    let issued = person::issue(state, grant).await?;
    let refresh = person::wants_refresh(client, &scopes).then(tokens::new_refresh_secret);

    let tx = ScopedTx::begin(&state.db, row.tenant).await?;
    if !codes::consume(&*tx, &hash).await? {
        // Lost a race with a concurrent exchange of the same code: that is a replay too.
        tx.rollback().await?;
        revoke_compromised(state, row.refresh_family, row.session, replayed(client, &row)).await?;
        return Err(INVALID_CODE);
    }
    if let Some((_, hash)) = &refresh {
        let token = NewRefreshToken {
            family: row.refresh_family,
            hash: hash.clone(),
            client_id: client.id.to_string(),
            user: row.user,
            tenant: row.tenant,
            session: row.session,
            scopes: scopes.to_vec(),
            expires_at: tokens::refresh_expiry(state, issued.session.expires_at),
        };
        refresh_tokens::insert(&*tx, token).await?;
    }
    let event = AuditEvent::new(action::TOKEN_ISSUED, Outcome::Success, Actor::User(row.user))
        .tenant_opt(row.tenant)
        .subject(Subject::new("session", row.session))
        .detail("grant_type", "authorization_code")
        .detail("client_id", client.id.to_string())
        .detail("scope", scopes.to_string());
    audit::record(&*tx, &event).await?;
    tx.commit().await?;
    let refresh_token = refresh.map(|(token, _)| token);
    Ok(tokens::response(state, issued.access_token, &scopes, refresh_token, issued.id_token))
}

/// The event of a spent code presented again, by the client it was issued to.
fn replayed(client: &ClientRow, row: &CodeRow) -> AuditEvent {
    AuditEvent::new(action::AUTHORIZATION_CODE_REUSED, Outcome::Denied, Actor::Client(client.id.clone()))
        .tenant_opt(row.tenant)
        .detail("user", row.user.to_string())
}
