//! consent's own settings, the `consent.*` section (`APP__CONSENT__*`): whose tokens it
//! accepts. Crypto settings are the shared `crypto.*` section (`tp_config::CryptoSettings`).
//! Nothing here is a secret.

use serde::Deserialize;
use tp_auth::VerifierConfig;

#[derive(Debug, Clone, Deserialize)]
pub struct ConsentSettings {
    /// How bearer tokens are verified: identity's issuer and the API audience (the gateway
    /// forwards the caller's own token), and the JWKS URL when it differs from the default.
    pub auth: VerifierConfig,
}
