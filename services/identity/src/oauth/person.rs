//! Tokens for a person (the authorization-code and refresh grants): checks that the session
//! and the account may still yield tokens, resolves the roles the token carries, and signs
//! the access token and, with `openid`, the ID token.
//!
//! Roles are read at every issue, not copied from the code: a membership removed or
//! suspended since sign-in stops the next refresh. So is the MFA policy: a session whose
//! practice now requires a second factor (for these roles; operators always) that the
//! session never gave gets no more tokens; the person signs in again, and the sign-in flow
//! asks for the factor.

use std::str::FromStr as _;

use chrono::{DateTime, Utc};
use tp_auth::Role;
use tp_db::TenantTx;
use tp_ids::{SessionId, TenantId, UserId};

use super::error::OAuthError;
use super::tokens::{self, AccessGrant, IdGrant};
use crate::accounts::mfa_required;
use crate::db::clients::ClientRow;
use crate::db::revocation::{self, SessionState};
use crate::db::sessions;
use crate::db::subjects::{self, Subject};
use crate::domain::scope::{self, ScopeSet};
use crate::domain::session::AMR_OTP;
use crate::state::AppState;

pub(crate) struct PersonGrant<'a> {
    pub client: &'a ClientRow,
    pub user: UserId,
    pub tenant: Option<TenantId>,
    pub session: SessionId,
    pub nonce: Option<&'a str>,
    /// When the person signed in, if the grant knows it better than the session row does.
    pub auth_time: Option<DateTime<Utc>>,
    pub scopes: &'a ScopeSet,
}

pub(crate) struct PersonTokens {
    pub access_token: String,
    pub id_token: Option<String>,
    pub session: SessionState,
}

pub(crate) async fn issue(state: &AppState, grant: PersonGrant<'_>) -> Result<PersonTokens, OAuthError> {
    let session = revocation::session_state(&state.db, grant.session, grant.tenant)
        .await?
        .filter(|s| s.usable && s.user == grant.user)
        .ok_or(OAuthError::invalid_grant("the session has ended"))?;
    let subject = subjects::subject(&state.db, grant.user)
        .await?
        .filter(|s| s.active)
        .ok_or(OAuthError::invalid_grant("the account is not active"))?;
    let roles = roles(state, grant.user, grant.tenant, &subject)
        .await?
        .ok_or(OAuthError::invalid_grant("no active membership for this tenant"))?;
    if owes_second_factor(state, &grant, &roles).await? {
        return Err(OAuthError::invalid_grant("the practice requires a second factor this session has not given"));
    }
    let access = AccessGrant {
        client_id: &grant.client.id,
        subject: grant.user.to_string(),
        tenant: grant.tenant,
        session: grant.session,
        roles,
        scopes: grant.scopes,
    };
    let access_token = tokens::access_token(state, &access).await?;
    let id_token = if grant.scopes.contains(scope::OPENID) {
        let id = IdGrant {
            client_id: &grant.client.id,
            user: grant.user.to_string(),
            session: grant.session,
            auth_time: grant.auth_time.unwrap_or(session.auth_time),
            nonce: grant.nonce,
            scopes: grant.scopes,
            subject: &subject,
            access_token: &access_token,
        };
        Some(tokens::id_token(state, &id).await?)
    } else {
        None
    };
    Ok(PersonTokens { access_token, id_token, session })
}

/// The roles of `user` in `tenant` (active membership only), or `[platform_operator]` for
/// an operator's tenant-less token. `None` when the person has no standing there.
async fn roles(
    state: &AppState,
    user: UserId,
    tenant: Option<TenantId>,
    subject: &Subject,
) -> Result<Option<Vec<Role>>, OAuthError> {
    let Some(tenant) = tenant else {
        return Ok(subject.platform_operator.then(|| vec![Role::PlatformOperator]));
    };
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let names = subjects::membership_roles(&tx, user).await?;
    tx.commit().await?;
    // Unknown names cannot occur (a check constraint lists the membership roles); skipping
    // one is safer than failing every sign-in of the practice if that ever changed.
    Ok(names.map(|names| names.iter().filter_map(|n| Role::from_str(n).ok()).collect()))
}

/// Whether the grant's practice (or, without one, the operator role) requires a second
/// factor for `roles` now, and the session's `amr` lacks it.
async fn owes_second_factor(state: &AppState, grant: &PersonGrant<'_>, roles: &[Role]) -> Result<bool, OAuthError> {
    let standing = sessions::second_factor_standing(&state.db, grant.session, grant.tenant)
        .await?
        .ok_or(OAuthError::invalid_grant("the session has ended"))?;
    let policy: Vec<Role> = standing.mfa_required_roles.iter().filter_map(|n| Role::from_str(n).ok()).collect();
    let required = mfa_required(grant.tenant.is_none(), roles, &policy);
    Ok(required && !standing.amr.iter().any(|a| a == AMR_OTP))
}

/// Whether this exchange also yields a refresh token: the client must be allowed the
/// refresh grant, and either asked for `offline_access` or be a first-party public app
/// (the portal, the practice app), whose refresh tokens keep a browser session going.
/// Either way a refresh token never outlives its session (idle and absolute timeouts).
pub(crate) fn wants_refresh(client: &ClientRow, scopes: &ScopeSet) -> bool {
    let first_party = client.secret_hash.is_none() && client.tenant.is_none() && !client.platform_operator;
    client.grant_types.iter().any(|g| g == "refresh_token") && (scopes.contains(scope::OFFLINE_ACCESS) || first_party)
}
