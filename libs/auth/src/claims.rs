//! The access-token contract (ARCHITECTURE.md §5): `iss, sub, aud, exp, iat, jti, sid, tid,
//! roles, scope`, plus `client_id` (RFC 9068). One token is for one tenant (`tid`); only
//! platform operators' tokens have none.
//!
//! Tokens are JWS compact, `alg` ES256, `typ` `at+jwt`, `kid` naming the signing key
//! version listed in identity's JWKS.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Redis key prefix of a revoked session: `auth:revoked:sid:<sid>`. identity sets it (with a
/// TTL no shorter than the access-token lifetime) when a session, a refresh-token family or an
/// API client is revoked; verifiers refuse tokens whose `sid` is listed.
pub const REVOKED_SESSION_PREFIX: &str = "auth:revoked:sid:";

/// A role in a practice, or on the platform. Serialised in snake_case (`practice_admin`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    PracticeAdmin,
    Clinician,
    Staff,
    Client,
    /// A practice's developer client (client credentials); it acts through its scopes.
    ApiClient,
    /// Administers tenants; never reads PHI; has no tenant.
    PlatformOperator,
}

impl Role {
    /// Roles a practice grants through memberships (the others are implied by the actor).
    pub const MEMBERSHIP: [Role; 4] = [Role::PracticeAdmin, Role::Clinician, Role::Staff, Role::Client];

    pub const fn as_str(self) -> &'static str {
        match self {
            Role::PracticeAdmin => "practice_admin",
            Role::Clinician => "clinician",
            Role::Staff => "staff",
            Role::Client => "client",
            Role::ApiClient => "api_client",
            Role::PlatformOperator => "platform_operator",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role name that is not one of [`Role`]'s. Never echoes the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role")]
pub struct UnknownRole;

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        [Role::PracticeAdmin, Role::Clinician, Role::Staff, Role::Client, Role::ApiClient, Role::PlatformOperator]
            .into_iter()
            .find(|role| role.as_str() == input)
            .ok_or(UnknownRole)
    }
}

/// Claims of an access token as serialised in the JWT. `sub` is a user id for people and the
/// client id for client-credentials tokens; `scope` is space-separated (RFC 9068).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    pub exp: i64,
    pub iat: i64,
    pub jti: String,
    pub sid: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tid: Option<String>,
    pub roles: Vec<Role>,
    pub scope: String,
    pub client_id: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_wire_names() {
        for role in
            [Role::PracticeAdmin, Role::Clinician, Role::Staff, Role::Client, Role::ApiClient, Role::PlatformOperator]
        {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
            assert_eq!(serde_json::to_string(&role).unwrap(), format!("\"{}\"", role.as_str()));
        }
        assert_eq!("admin".parse::<Role>(), Err(UnknownRole));
    }
}
