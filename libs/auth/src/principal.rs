//! [`Principal`]: who is asking, for which tenant, with which roles and scopes: built only
//! from a verified access token (its fields are private and it has no public constructor).
//!
//! Authorisation rules that need data (care teams, consent) do not live here; this type
//! answers only what the token says.

use std::collections::BTreeSet;
use std::fmt;

use chrono::{DateTime, Utc};
use tp_ids::{ClientId, SessionId, TenantId, TokenId, UserId};

use crate::claims::{AccessClaims, Role};
use crate::error::{AuthError, InvalidToken};

/// Who acts: a person, or a practice's API client (client credentials).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Actor {
    User(UserId),
    Client(ClientId),
}

/// The roles of a token. Small and copyable: a bit per [`Role`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct RoleSet(u8);

const ALL_ROLES: [Role; 6] =
    [Role::PracticeAdmin, Role::Clinician, Role::Staff, Role::Client, Role::ApiClient, Role::PlatformOperator];

impl RoleSet {
    const fn bit(role: Role) -> u8 {
        1 << (role as u8)
    }

    pub const fn contains(self, role: Role) -> bool {
        self.0 & Self::bit(role) != 0
    }

    pub fn insert(&mut self, role: Role) {
        self.0 |= Self::bit(role);
    }

    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = Role> {
        ALL_ROLES.into_iter().filter(move |role| self.contains(*role))
    }
}

impl FromIterator<Role> for RoleSet {
    fn from_iter<I: IntoIterator<Item = Role>>(iter: I) -> Self {
        let mut set = RoleSet::default();
        iter.into_iter().for_each(|role| set.insert(role));
        set
    }
}

/// The scopes of a token (`scope`, space-separated on the wire, RFC 6749 §3.3).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScopeSet(BTreeSet<String>);

impl ScopeSet {
    /// Splits a `scope` claim; `None` if a scope token holds characters RFC 6749 forbids.
    pub fn parse(scope: &str) -> Option<Self> {
        let valid =
            |token: &str| token.bytes().all(|b| b == 0x21 || (0x23..=0x5b).contains(&b) || (0x5d..=0x7e).contains(&b));
        let scopes: BTreeSet<String> = scope.split(' ').filter(|s| !s.is_empty()).map(str::to_owned).collect();
        scopes.iter().all(|s| valid(s)).then_some(Self(scopes))
    }

    pub fn contains(&self, scope: &str) -> bool {
        self.0.contains(scope)
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

impl fmt::Display for ScopeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for scope in &self.0 {
            if !first {
                f.write_str(" ")?;
            }
            f.write_str(scope)?;
            first = false;
        }
        Ok(())
    }
}

/// The verified caller. Only platform operators have no tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    actor: Actor,
    tenant: Option<TenantId>,
    roles: RoleSet,
    scopes: ScopeSet,
    session: SessionId,
    token_id: TokenId,
    client_id: ClientId,
    expires_at: DateTime<Utc>,
}

impl Principal {
    /// Checks the claims that tie ids together (`iss`, `aud`, times are the verifier's).
    pub(crate) fn from_claims(claims: AccessClaims) -> Result<Self, AuthError> {
        let bad = |reason| AuthError::invalid(reason);
        let roles: RoleSet = claims.roles.iter().copied().collect();
        let client_id = ClientId::parse(&claims.client_id).map_err(|_| bad(InvalidToken::BadClaims))?;
        let is_operator = roles.contains(Role::PlatformOperator);
        let tenant = match (claims.tid.as_deref(), is_operator) {
            (Some(tid), false) => Some(TenantId::parse(tid).map_err(|_| bad(InvalidToken::BadClaims))?),
            (None, true) => None,
            // An operator's token for a tenant, or a practice token without one: never issued.
            _ => return Err(bad(InvalidToken::TenantMismatch)),
        };
        // A client-credentials token names the client as its subject (RFC 9068 §2.2): a
        // practice's API client, or the platform's operator client (telehealthctl).
        let machine = claims.sub == claims.client_id;
        if roles.contains(Role::ApiClient) && (!machine || is_operator) {
            return Err(bad(InvalidToken::SubjectMismatch));
        }
        let actor = if machine {
            Actor::Client(client_id.clone())
        } else {
            Actor::User(UserId::parse(&claims.sub).map_err(|_| bad(InvalidToken::SubjectMismatch))?)
        };
        Ok(Self {
            actor,
            tenant,
            roles,
            scopes: ScopeSet::parse(&claims.scope).ok_or(bad(InvalidToken::BadClaims))?,
            session: SessionId::parse(&claims.sid).map_err(|_| bad(InvalidToken::BadClaims))?,
            token_id: TokenId::parse(&claims.jti).map_err(|_| bad(InvalidToken::BadClaims))?,
            client_id,
            expires_at: DateTime::from_timestamp(claims.exp, 0).ok_or(bad(InvalidToken::BadClaims))?,
        })
    }

    pub const fn actor(&self) -> &Actor {
        &self.actor
    }

    /// The tenant the token is for; [`AuthError::NoTenant`] for platform operators.
    pub fn tenant(&self) -> Result<TenantId, AuthError> {
        self.tenant.ok_or(AuthError::NoTenant)
    }

    /// The tenant, if any (`None` exactly for platform operators).
    pub const fn tenant_opt(&self) -> Option<TenantId> {
        self.tenant
    }

    pub const fn roles(&self) -> RoleSet {
        self.roles
    }

    pub const fn has_role(&self, role: Role) -> bool {
        self.roles.contains(role)
    }

    /// [`AuthError::Forbidden`] unless the token carries `role`.
    pub fn require_role(&self, role: Role) -> Result<(), AuthError> {
        if self.has_role(role) { Ok(()) } else { Err(AuthError::Forbidden) }
    }

    pub const fn scopes(&self) -> &ScopeSet {
        &self.scopes
    }

    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.contains(scope)
    }

    /// [`AuthError::Forbidden`] unless the token carries `scope`.
    pub fn require_scope(&self, scope: &str) -> Result<(), AuthError> {
        if self.has_scope(scope) { Ok(()) } else { Err(AuthError::Forbidden) }
    }

    pub const fn is_operator(&self) -> bool {
        self.roles.contains(Role::PlatformOperator)
    }

    pub const fn session(&self) -> SessionId {
        self.session
    }

    pub const fn token_id(&self) -> TokenId {
        self.token_id
    }

    /// The OAuth client the token was issued to (the app a person used, or the API client).
    pub const fn client_id(&self) -> &ClientId {
        &self.client_id
    }

    pub const fn expires_at(&self) -> DateTime<Utc> {
        self.expires_at
    }
}
