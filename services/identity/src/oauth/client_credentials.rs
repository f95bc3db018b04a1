//! The client-credentials grant (RFC 6749 section 4.4): a confidential client acting for
//! itself. A practice's API client gets a token for its one tenant (`tid`, role
//! `api_client`); the platform-operator client gets a tenant-less `platform_operator` token.
//! Either way `sid` is the client's `session_id`, so revoking the client revokes its tokens.

use tp_audit_log::action::identity as action;
use tp_audit_log::{Actor, AuditEvent, Outcome, Subject};
use tp_auth::Role;

use super::error::OAuthError;
use super::params::Params;
use super::tokens::{self, AccessGrant, TokenResponse};
use crate::audit::{self, OptionalTenant as _};
use crate::db::clients::ClientRow;
use crate::domain::scope::ScopeSet;
use crate::state::AppState;

pub(crate) async fn grant(state: &AppState, client: &ClientRow, params: &Params) -> Result<TokenResponse, OAuthError> {
    // Public clients only identify themselves: they can never act on their own behalf.
    if client.secret_hash.is_none() || !client.grant_types.iter().any(|g| g == "client_credentials") {
        return Err(OAuthError::unauthorized_client("the client may not use the client credentials grant"));
    }
    let roles = match (client.platform_operator, client.tenant) {
        (true, None) => vec![Role::PlatformOperator],
        (false, Some(_)) => vec![Role::ApiClient],
        _ => return Err(OAuthError::unauthorized_client("the client is bound to no tenant")),
    };
    let allowed = ScopeSet::from_names(client.scopes.iter().map(String::as_str))
        .map_err(|_| OAuthError::invalid_scope("the client holds a scope that no longer exists"))?;
    let scopes = match params.get("scope") {
        None => allowed,
        Some(requested) => {
            let requested = ScopeSet::parse(requested).map_err(|_| OAuthError::invalid_scope("unknown scope"))?;
            if !requested.is_subset(&allowed) {
                return Err(OAuthError::invalid_scope("scope exceeds what the client may request"));
            }
            requested
        }
    };
    let grant = AccessGrant {
        client_id: &client.id,
        subject: client.id.to_string(),
        tenant: client.tenant,
        session: client.session_id,
        roles,
        scopes: &scopes,
    };
    let access_token = tokens::access_token(state, &grant).await?;
    let event = AuditEvent::new(action::TOKEN_ISSUED, Outcome::Success, Actor::Client(client.id.clone()))
        .tenant_opt(client.tenant)
        .subject(Subject::new("client", &client.id))
        .detail("grant_type", "client_credentials")
        .detail("scope", scopes.to_string());
    // Fail closed: a token whose issuance is not on record is never handed out.
    audit::emit(&state.db, event).await?;
    Ok(tokens::response(state, access_token, &scopes, None, None))
}
