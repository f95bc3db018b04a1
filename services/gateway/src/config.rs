//! The gateway's own settings, the `gateway.*` section (`APP__GATEWAY__*`): where identity
//! and the other services are, how tokens are verified, and the limits every request is
//! held to.

use serde::Deserialize;
use tp_auth::VerifierConfig;
use tp_config::Environment;

#[derive(Debug, Clone, Deserialize)]
pub struct GatewaySettings {
    /// Base URL of identity's API, e.g. `http://identity:8081`. No trailing slash.
    pub identity_url: String,
    /// Base URL of records' API, e.g. `http://records:8083`.
    pub records_url: String,
    /// Base URL of the audit service's API, e.g. `http://audit:8086`.
    pub audit_url: String,
    /// Base URL of consent's API, e.g. `http://consent:8085`.
    pub consent_url: String,
    /// Base URL of scheduling's API, e.g. `http://scheduling:8082`.
    pub scheduling_url: String,
    /// How access tokens are verified: identity's issuer, the API audience, and the JWKS
    /// URL when it differs from `<issuer>/oauth2/jwks`.
    pub auth: VerifierConfig,
    /// Timeout of one call to a downstream service; past it the fields it serves answer
    /// UNAVAILABLE and the rest of the query still resolves.
    #[serde(default = "default_downstream_timeout_ms")]
    pub downstream_timeout_ms: u64,
    #[serde(default)]
    pub limits: Limits,
    #[serde(default)]
    pub rate_limit: RateLimits,
    /// GraphiQL at `GET /graphql` in a browser. Defaults to on in dev only.
    #[serde(default)]
    pub graphiql: Option<bool>,
    /// Answer introspection queries. Defaults to on outside prod (the SDL is published at
    /// `/schema.graphql` anyway; turning it off in prod only slows down schema probing).
    #[serde(default)]
    pub introspection: Option<bool>,
    /// Take the client address from the last `X-Forwarded-For` entry (set by the ingress)
    /// instead of the TCP peer. Only behind a proxy that overwrites the header.
    #[serde(default)]
    pub trust_forwarded_for: bool,
}

/// What one GraphQL request may cost. See docs/api.md for the figures and the reasons.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Limits {
    /// Largest request body; a bigger one is refused before it is parsed.
    pub max_body_bytes: usize,
    pub max_depth: usize,
    pub max_complexity: usize,
    /// Aliased fields in one operation (alias floods multiply work without depth).
    pub max_aliases: usize,
    /// Operations in one batched request.
    pub max_batch: usize,
    /// Time budget of one request, every operation of a batch included.
    pub timeout_ms: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body_bytes: 64 * 1024,
            max_depth: 10,
            max_complexity: 1_000,
            max_aliases: 30,
            max_batch: 5,
            timeout_ms: 10_000,
        }
    }
}

/// Fixed one-minute windows in Redis, counted per client address and per principal.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct RateLimits {
    pub per_ip_per_minute: u64,
    pub per_principal_per_minute: u64,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self { per_ip_per_minute: 1_200, per_principal_per_minute: 600 }
    }
}

const fn default_downstream_timeout_ms() -> u64 {
    3_000
}

impl GatewaySettings {
    pub fn graphiql(&self, environment: Environment) -> bool {
        self.graphiql.unwrap_or(environment == Environment::Dev)
    }

    pub fn introspection(&self, environment: Environment) -> bool {
        self.introspection.unwrap_or(environment != Environment::Prod)
    }
}
