//! [`VerifierConfig`]: whose tokens a service accepts and how it keeps identity's keys.
//!
//! Deserialisable so a service can read it from its settings section; every field but the
//! issuer and the audience has a default. Holds no secrets: verification needs public keys
//! only.

use std::time::Duration;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct VerifierConfig {
    /// identity's issuer URL, compared byte for byte with `iss`.
    pub issuer: String,
    /// This service's audience, compared byte for byte with `aud`.
    pub audience: String,
    /// Where identity publishes its keys; `{issuer}/oauth2/jwks` when unset.
    #[serde(default)]
    pub jwks_url: Option<String>,
    /// Clock skew tolerated on `exp` and `iat`.
    #[serde(default = "defaults::leeway_secs")]
    pub leeway_secs: u64,
    /// Bound on one JWKS request: a slow identity must not hang requests.
    #[serde(default = "defaults::http_timeout_secs")]
    pub http_timeout_secs: u64,
    /// Keys older than this are refreshed on the next verification, so a key identity
    /// withdrew stops being accepted within this interval.
    #[serde(default = "defaults::refresh_interval_secs")]
    pub refresh_interval_secs: u64,
    /// At most one JWKS fetch per this interval: tokens with made-up key ids must not turn
    /// a service into a request amplifier against identity.
    #[serde(default = "defaults::min_refetch_interval_secs")]
    pub min_refetch_interval_secs: u64,
    /// How many verified tokens to remember, so the next request with the same token skips
    /// the signature check; 0 disables the cache. Roughly 1 KiB per entry; size it to the
    /// sessions active within a token lifetime on one instance.
    #[serde(default = "defaults::token_cache_capacity")]
    pub token_cache_capacity: usize,
}

mod defaults {
    pub const fn leeway_secs() -> u64 {
        30
    }
    pub const fn http_timeout_secs() -> u64 {
        5
    }
    pub const fn refresh_interval_secs() -> u64 {
        300
    }
    pub const fn min_refetch_interval_secs() -> u64 {
        10
    }
    pub const fn token_cache_capacity() -> usize {
        10_000
    }
}

impl VerifierConfig {
    /// Defaults for everything but whose tokens to accept.
    pub fn new(issuer: impl Into<String>, audience: impl Into<String>) -> Self {
        Self {
            issuer: issuer.into(),
            audience: audience.into(),
            jwks_url: None,
            leeway_secs: defaults::leeway_secs(),
            http_timeout_secs: defaults::http_timeout_secs(),
            refresh_interval_secs: defaults::refresh_interval_secs(),
            min_refetch_interval_secs: defaults::min_refetch_interval_secs(),
            token_cache_capacity: defaults::token_cache_capacity(),
        }
    }

    pub fn jwks_url(&self) -> String {
        self.jwks_url.clone().unwrap_or_else(|| format!("{}/oauth2/jwks", self.issuer.trim_end_matches('/')))
    }

    pub(crate) const fn http_timeout(&self) -> Duration {
        Duration::from_secs(self.http_timeout_secs)
    }

    pub(crate) const fn refresh_interval(&self) -> Duration {
        Duration::from_secs(self.refresh_interval_secs)
    }

    pub(crate) const fn min_refetch_interval(&self) -> Duration {
        Duration::from_secs(self.min_refetch_interval_secs)
    }
}
