//! identity's own settings, the `identity.*` section (`APP__IDENTITY__*`): issuer, token
//! lifetimes, the SMTP relay, the operator client and the first-party apps.
//!
//! Secrets (`smtp.password`, `operator_client.secret`) are `SecretString` and come from the
//! environment (generated into `.dev/` in development), never from a committed file.

use secrecy::SecretString;
use serde::Deserialize;
use tp_config::Environment;

#[derive(Debug, Clone, Deserialize)]
pub struct IdentitySettings {
    /// Public base URL of this service: the `iss` of every token and the base of every URL
    /// in discovery, e.g. `https://id.example.com`. No trailing slash. Required in prod; in
    /// dev and test it defaults to `http://127.0.0.1:<bound port>` (see [`Self::issuer`]).
    #[serde(default)]
    pub issuer: Option<String>,
    /// `aud` of access tokens: the platform API that accepts them.
    #[serde(default = "default_audience")]
    pub audience: String,
    #[serde(default = "default_access_token_ttl")]
    pub access_token_ttl_secs: u64,
    #[serde(default = "default_access_token_ttl")]
    pub id_token_ttl_secs: u64,
    /// Upper bound of a refresh token; a browser session's own timeouts end it sooner.
    #[serde(default = "default_refresh_token_ttl")]
    pub refresh_token_ttl_secs: u64,
    #[serde(default = "default_code_ttl")]
    pub code_ttl_secs: u64,
    /// Lifetime of invitation links (days) and of verification and reset links (hours) are
    /// fixed in the domain; this only overrides the invitation one.
    #[serde(default = "default_invite_ttl")]
    pub invite_ttl_secs: u64,
    /// Transit key that signs tokens (ES256); created at start-up if missing.
    #[serde(default = "default_signing_key")]
    pub signing_key: String,
    /// Transit key that encrypts TOTP secrets; created at start-up if missing.
    #[serde(default = "default_mfa_key")]
    pub mfa_key: String,
    /// `Secure` on cookies. Defaults to on outside dev and test (which run on plain http).
    #[serde(default)]
    pub cookie_secure: Option<bool>,
    /// Accept `http://127.0.0.1` / `http://localhost` redirect URIs (dev and test only).
    #[serde(default)]
    pub allow_loopback_http: Option<bool>,
    #[serde(default)]
    pub smtp: SmtpSettings,
    /// Public base URL of the gateway, where outside providers open records shared with them
    /// (`<this>/shared-records/<practice>/<request>?token=…`), e.g. `https://api.example.com`.
    /// Never taken from a caller. Unset: records links cannot be sent (503), so an outside
    /// transfer's hand-over fails and nothing is stored.
    #[serde(default)]
    pub shared_records_url: Option<String>,
    /// The platform-operator client `telehealthctl` authenticates with (client
    /// credentials). Upserted at start-up when set.
    #[serde(default)]
    pub operator_client: Option<OperatorClient>,
    /// First-party public clients (the portal, the practice app), upserted at start-up.
    #[serde(default)]
    pub first_party_clients: Vec<FirstPartyClient>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SmtpSettings {
    #[serde(default = "default_smtp_host")]
    pub host: String,
    #[serde(default = "default_smtp_port")]
    pub port: u16,
    /// `none` (loopback relays in dev and test), `starttls` or `tls`.
    #[serde(default)]
    pub tls: SmtpTls,
    pub username: Option<String>,
    pub password: Option<SecretString>,
    /// The From address of every email.
    #[serde(default = "default_smtp_from")]
    pub from: String,
    #[serde(default = "default_smtp_timeout")]
    pub timeout_secs: u64,
}

impl Default for SmtpSettings {
    fn default() -> Self {
        Self {
            host: default_smtp_host(),
            port: default_smtp_port(),
            tls: SmtpTls::default(),
            username: None,
            password: None,
            from: default_smtp_from(),
            timeout_secs: default_smtp_timeout(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    #[default]
    None,
    Starttls,
    Tls,
}

#[derive(Debug, Clone, Deserialize)]
pub struct OperatorClient {
    pub id: String,
    pub secret: SecretString,
}

#[derive(Debug, Clone, Deserialize)]
pub struct FirstPartyClient {
    pub id: String,
    pub name: String,
    pub redirect_uris: Vec<String>,
    #[serde(default)]
    pub post_logout_redirect_uris: Vec<String>,
}

impl IdentitySettings {
    /// Fills the issuer default from the bound listener; `Err` in prod when it is unset.
    pub fn resolve_issuer(&mut self, settings: &tp_config::Settings) -> Result<(), String> {
        if let Some(issuer) = &mut self.issuer {
            let trimmed = issuer.trim_end_matches('/').to_owned();
            if !(trimmed.starts_with("https://") || trimmed.starts_with("http://")) {
                return Err("identity.issuer must be an http(s) URL".into());
            }
            *issuer = trimmed;
            return Ok(());
        }
        if settings.environment == Environment::Prod {
            return Err("identity.issuer is required in prod".into());
        }
        self.issuer = Some(format!("http://127.0.0.1:{}", settings.http.port));
        Ok(())
    }

    /// Checks `shared_records_url` (an http(s) URL) and drops its trailing slash.
    pub fn resolve_shared_records_url(&mut self) -> Result<(), String> {
        if let Some(url) = &mut self.shared_records_url {
            let trimmed = url.trim_end_matches('/').to_owned();
            if !(trimmed.starts_with("https://") || trimmed.starts_with("http://")) || trimmed.contains(['?', '#']) {
                return Err("identity.shared_records_url must be an http(s) URL without query or fragment".into());
            }
            *url = trimmed;
        }
        Ok(())
    }

    /// The issuer URL (resolved at start-up, so always present afterwards).
    pub fn issuer(&self) -> &str {
        self.issuer.as_deref().unwrap_or_default()
    }

    pub fn cookie_secure(&self, environment: Environment) -> bool {
        self.cookie_secure.unwrap_or(environment == Environment::Prod)
    }

    pub fn allow_loopback_http(&self, environment: Environment) -> bool {
        self.allow_loopback_http.unwrap_or(environment != Environment::Prod)
    }
}

fn default_audience() -> String {
    "telehealth-api".into()
}
fn default_access_token_ttl() -> u64 {
    300
}
fn default_refresh_token_ttl() -> u64 {
    30 * 24 * 3600
}
fn default_code_ttl() -> u64 {
    60
}
fn default_invite_ttl() -> u64 {
    7 * 24 * 3600
}
fn default_signing_key() -> String {
    "identity-token-signing".into()
}
fn default_mfa_key() -> String {
    "identity-mfa".into()
}
fn default_smtp_host() -> String {
    "127.0.0.1".into()
}
fn default_smtp_port() -> u16 {
    2525
}
fn default_smtp_from() -> String {
    "Telehealth <no-reply@telehealth.invalid>".into()
}
fn default_smtp_timeout() -> u64 {
    10
}
