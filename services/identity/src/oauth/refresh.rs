//! The refresh-token grant (RFC 6749 section 6) with rotation and reuse detection (OAuth
//! 2.1 section 4.3.1, the Security BCP 4.14.2).
//!
//! Every refresh marks the presented token used and issues its successor in the same
//! family. A used token presented again means two parties hold it: the whole family and the
//! session are revoked, which also logs out the legitimate holder (they sign in again).
//! A refresh also needs a live session (not revoked, not past its absolute expiry, not idle
//! longer than the tenant allows) and restarts the idle timer.

use tp_audit_log::action::identity as action;
use tp_audit_log::{Actor, AuditEvent, Outcome, Subject};

use super::error::OAuthError;
use super::params::Params;
use super::person::{self, PersonGrant};
use super::revocation::revoke_compromised;
use super::tokens::{self, TokenResponse};
use crate::audit::{self, OptionalTenant as _, ScopedTx};
use crate::db::clients::ClientRow;
use crate::db::refresh_tokens::{self, NewRefreshToken, RefreshRow};
use crate::db::revocation;
use crate::domain::scope::ScopeSet;
use crate::domain::secret;
use crate::state::AppState;

const INVALID_TOKEN: OAuthError = OAuthError::invalid_grant("the refresh token is invalid, expired or revoked");

pub(crate) async fn refresh(
    state: &AppState,
    client: &ClientRow,
    params: &Params,
) -> Result<TokenResponse, OAuthError> {
    if !client.grant_types.iter().any(|g| g == "refresh_token") {
        return Err(OAuthError::unauthorized_client("the client may not use refresh tokens"));
    }
    let presented = params.require("refresh_token", "refresh_token is required")?;
    let row = refresh_tokens::find(&state.db, &secret::digest(presented)).await?.ok_or(INVALID_TOKEN)?;
    // Bound to its client: another client presenting it learns nothing and revokes nothing.
    if row.client_id != client.id.as_str() || row.revoked || row.expired {
        return Err(INVALID_TOKEN);
    }
    if row.used {
        revoke_compromised(state, row.family, row.session, reused(client, &row)).await?;
        return Err(INVALID_TOKEN);
    }
    let granted = ScopeSet::from_names(row.scopes.iter().map(String::as_str)).map_err(|_| INVALID_TOKEN)?;
    let scopes = match params.get("scope") {
        None => granted.clone(),
        Some(requested) => {
            let requested = ScopeSet::parse(requested).map_err(|_| OAuthError::invalid_scope("unknown scope"))?;
            if !requested.is_subset(&granted) {
                return Err(OAuthError::invalid_scope("scope exceeds what was granted"));
            }
            requested
        }
    };

    let grant = PersonGrant {
        client,
        user: row.user,
        tenant: row.tenant,
        session: row.session,
        nonce: None,
        auth_time: None,
        scopes: &scopes,
    };
    let issued = person::issue(state, grant).await?;
    let (new_token, new_hash) = tokens::new_refresh_secret();

    let tx = ScopedTx::begin(&state.db, row.tenant).await?;
    if !refresh_tokens::mark_used(&*tx, row.id).await? {
        // A concurrent presentation rotated it first: the same token was used twice.
        tx.rollback().await?;
        revoke_compromised(state, row.family, row.session, reused(client, &row)).await?;
        return Err(INVALID_TOKEN);
    }
    let successor = NewRefreshToken {
        family: row.family,
        hash: new_hash,
        client_id: row.client_id.clone(),
        user: row.user,
        tenant: row.tenant,
        session: row.session,
        // RFC 6749 section 6: the new refresh token keeps the scope originally granted.
        scopes: granted.to_vec(),
        expires_at: tokens::refresh_expiry(state, issued.session.expires_at),
    };
    refresh_tokens::insert(&*tx, successor).await?;
    revocation::touch_session(&*tx, row.session).await?;
    let event = AuditEvent::new(action::TOKEN_REFRESHED, Outcome::Success, Actor::User(row.user))
        .tenant_opt(row.tenant)
        .subject(Subject::new("session", row.session))
        .detail("client_id", row.client_id);
    audit::record(&*tx, &event).await?;
    tx.commit().await?;
    Ok(tokens::response(state, issued.access_token, &scopes, Some(new_token), issued.id_token))
}

/// The event of a used refresh token presented again, by the client it was issued to.
fn reused(client: &ClientRow, row: &RefreshRow) -> AuditEvent {
    AuditEvent::new(action::REFRESH_TOKEN_REUSED, Outcome::Denied, Actor::Client(client.id.clone()))
        .tenant_opt(row.tenant)
        .detail("user", row.user.to_string())
}
