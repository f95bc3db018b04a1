//! consent's own settings, the `consent.*` section (`APP__CONSENT__*`): whose tokens it
//! accepts, where identity answers who a caller is, and how long records requests and
//! their packages live. Crypto settings are the shared `crypto.*` section (`tp_config::CryptoSettings`).
//! Nothing here is a secret.

use serde::Deserialize;
use tp_auth::VerifierConfig;

#[derive(Debug, Clone, Deserialize)]
pub struct ConsentSettings {
    /// How bearer tokens are verified: identity's issuer and the API audience (the gateway
    /// forwards the caller's own token), and the JWKS URL when it differs from the default.
    pub auth: VerifierConfig,
    /// Base URL of identity, e.g. `http://identity:8081`: who a requester is, and which
    /// email a client uses (records transfers), asked with the caller's own token.
    pub identity_url: String,
    /// Bound on one identity call; past it the request answers UNAVAILABLE.
    #[serde(default = "default_identity_timeout_ms")]
    pub identity_timeout_ms: u64,
    /// How long a records request waits for the client's answer (1 to 365 days).
    #[serde(default = "default_request_days")]
    pub transfer_request_days: u32,
    /// How long an approved package waits for its download (1 to 90 days); the
    /// authorizations the approval creates end then too.
    #[serde(default = "default_download_days")]
    pub transfer_download_days: u32,
}

const fn default_identity_timeout_ms() -> u64 {
    3_000
}

const fn default_request_days() -> u32 {
    30
}

const fn default_download_days() -> u32 {
    14
}
