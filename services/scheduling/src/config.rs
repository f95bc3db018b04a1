//! scheduling's own settings, the `scheduling.*` section (`APP__SCHEDULING__*`): whose tokens
//! it accepts, where identity answers who is a clinician or a client of the practice, and
//! where consent answers whether a client may book and be recorded. Nothing here is a secret.

use serde::Deserialize;
use tp_auth::VerifierConfig;

#[derive(Debug, Clone, Deserialize)]
pub struct SchedulingSettings {
    /// How bearer tokens are verified: identity's issuer and the API audience (the gateway
    /// forwards the caller's own token), and the JWKS URL when it differs from the default.
    pub auth: VerifierConfig,
    /// Base URL of identity, e.g. `http://identity:8081`: the practice directory, asked with
    /// the caller's own token, says who is a clinician and who a client.
    pub identity_url: String,
    /// Base URL of consent, e.g. `http://consent:8085`: readiness (required documents signed,
    /// recording consented), asked with the caller's own token before every booking and on
    /// every room read. Required: without it nothing could be booked.
    pub consent_url: String,
    /// Bound on one identity or consent call; past it the request answers UNAVAILABLE
    /// (never booked, never recorded).
    #[serde(default = "default_timeout_ms")]
    pub downstream_timeout_ms: u64,
}

const fn default_timeout_ms() -> u64 {
    3_000
}
