//! records' own settings, the `records.*` section (`APP__RECORDS__*`): whose tokens it
//! accepts, where identity answers care-team questions and where consent decides
//! disclosures. Crypto settings are the shared
//! `crypto.*` section (`tp_config::CryptoSettings`).

use serde::Deserialize;
use tp_auth::VerifierConfig;

#[derive(Debug, Clone, Deserialize)]
pub struct RecordsSettings {
    /// Base URL of identity, e.g. `http://identity:8081`, for the internal care-team check.
    pub identity_url: String,
    /// Base URL of consent, e.g. `http://consent:8085`, for the decision before a disclosure
    /// package is made. Required: without it nothing could ever be disclosed, and a missing
    /// setting must stop start-up rather than fail every approval later.
    pub consent_url: String,
    /// Bound on one consent decision; past it the package answers UNAVAILABLE (never made).
    #[serde(default = "default_consent_timeout_ms")]
    pub consent_timeout_ms: u64,
    /// How bearer tokens are verified: identity's issuer and the API audience (the gateway
    /// forwards the caller's own token), and the JWKS URL when it differs from the default.
    pub auth: VerifierConfig,
    /// Bound on one care-team check; past it the request answers UNAVAILABLE (never open).
    #[serde(default = "default_identity_timeout_ms")]
    pub identity_timeout_ms: u64,
    /// How long identity's "on the care team" may be reused (0 to 300 seconds; 0 asks every
    /// time). Any care-team change retires every kept answer of its practice at once (the
    /// stamp); this bound matters only if identity could not write the stamp.
    #[serde(default = "default_care_team_cache_secs")]
    pub care_team_cache_secs: u64,
    /// How long a break-glass opening lets a clinician into a chart (1 to 720 minutes).
    #[serde(default = "default_break_glass_minutes")]
    pub break_glass_minutes: u32,
}

const fn default_identity_timeout_ms() -> u64 {
    3_000
}

const fn default_consent_timeout_ms() -> u64 {
    3_000
}

const fn default_care_team_cache_secs() -> u64 {
    30
}

const fn default_break_glass_minutes() -> u32 {
    60
}
