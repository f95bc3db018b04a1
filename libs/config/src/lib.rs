//! Typed settings for every service: defaults in code, then an optional TOML file named by
//! `APP_CONFIG_FILE`, then `APP__SECTION__KEY` environment variables (highest precedence).
//!
//! Secrets (`database.url`, `redis.url`, Vault credentials) are `SecretString`: they never
//! appear in Debug output and are never committed in a file; in development they come from
//! the generated, git-ignored `.dev/<profile>/env`. This crate only reads settings; it does
//! not connect to anything.

use std::net::{IpAddr, Ipv4Addr};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

/// The configuration could not be read or is invalid. The message names the key, never a
/// value (values may be secrets).
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {0}")]
pub struct ConfigError(String);

/// Where the process runs. Controls durable-vs-fast defaults and developer conveniences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    #[default]
    Dev,
    Test,
    Prod,
}

/// Settings shared by every service. A service without a database leaves `database` unset.
#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    #[serde(default)]
    pub environment: Environment,
    pub http: HttpSettings,
    pub database: Option<DatabaseSettings>,
    pub redis: RedisSettings,
    pub vault: VaultSettings,
    #[serde(default)]
    pub telemetry: TelemetrySettings,
    #[serde(default)]
    pub crypto: CryptoSettings,
    /// The layered sources these settings came from, kept so a service can read its own
    /// section (`identity.*`) with [`Settings::section`].
    #[serde(skip)]
    sources: Sources,
}

/// The raw layers, kept out of `Debug`: they hold secret values in plain text.
#[derive(Clone, Default)]
struct Sources(Figment);

impl std::fmt::Debug for Sources {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[layered sources]")
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HttpSettings {
    /// Address to bind. Loopback by default: exposing a service is a deployment decision.
    #[serde(default = "loopback")]
    pub host: IpAddr,
    /// 0 picks a free port (tests); services default to their ARCHITECTURE.md port.
    pub port: u16,
    /// Upper bound on handling one request, so a stuck dependency cannot pin a connection.
    #[serde(default = "default_request_timeout")]
    pub request_timeout_secs: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DatabaseSettings {
    /// Connection URL of the service's own role (not an owner, not BYPASSRLS).
    pub url: SecretString,
    /// URL of the migration role that owns the schema; needed only to run migrations.
    pub migrator_url: Option<SecretString>,
    /// Pool bound: a service never opens more than this many connections.
    #[serde(default = "default_max_connections")]
    pub max_connections: u32,
    /// Run pending migrations at start-up (dev convenience; production uses a migration job).
    #[serde(default)]
    pub migrate_on_start: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RedisSettings {
    pub url: SecretString,
}

#[derive(Debug, Clone, Deserialize)]
pub struct VaultSettings {
    /// Base address, e.g. `http://127.0.0.1:25322`.
    pub addr: String,
    /// AppRole credentials of this service; the token they yield is renewed in the background.
    pub role_id: SecretString,
    pub secret_id: SecretString,
    #[serde(default = "default_approle_mount")]
    pub approle_mount: String,
    #[serde(default = "default_transit_mount")]
    pub transit_mount: String,
    #[serde(default = "default_kv_mount")]
    pub kv_mount: String,
    /// Timeout of one Vault call; Vault being slow must not hang a request.
    #[serde(default = "default_vault_timeout")]
    pub timeout_secs: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TelemetrySettings {
    /// `tracing` filter directive, e.g. `info,tp_records=debug`.
    #[serde(default = "default_log_filter")]
    pub log_filter: String,
    /// JSON lines (production, log shipping) or human-readable text (a terminal).
    #[serde(default)]
    pub log_format: LogFormat,
    /// OTLP/HTTP endpoint; when unset, no traces are exported. Falls back to the standard
    /// `OTEL_EXPORTER_OTLP_ENDPOINT` variable.
    #[serde(default)]
    pub otlp_endpoint: Option<String>,
}

impl Default for TelemetrySettings {
    fn default() -> Self {
        Self { log_filter: default_log_filter(), log_format: LogFormat::default(), otlp_endpoint: None }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Json,
    Pretty,
}

/// Data-key caching of `tp-crypto`. Checked by [`CryptoSettings::validate`], which
/// `Keyring::new` calls, so an invalid value stops start-up instead of silently disabling
/// the cache (TTL 0) or thrashing it (capacity 1).
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
// Each field may be set alone (`APP__CRYPTO__DATA_KEY_TTL_SECS=60`); the rest keep defaults.
#[serde(default)]
pub struct CryptoSettings {
    /// How long a tenant's data key stays cached in memory before Vault is asked again, in
    /// seconds, 1..=3600. It also bounds how long a rotated or shredded tenant key keeps
    /// working in a running process (ADR 0002), hence the upper limit.
    pub data_key_ttl_secs: u64,
    /// Upper bound on cached data keys (encrypt and decrypt sides together), at least 2: a
    /// new data key occupies two entries (sealing, and opening what it sealed).
    pub data_key_cache_capacity: usize,
}

impl CryptoSettings {
    pub const DATA_KEY_TTL_SECS: std::ops::RangeInclusive<u64> = 1..=3600;
    pub const MIN_DATA_KEY_CACHE_CAPACITY: usize = 2;

    /// `Err` naming the offending key when a value is out of range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !Self::DATA_KEY_TTL_SECS.contains(&self.data_key_ttl_secs) {
            let (min, max) = (Self::DATA_KEY_TTL_SECS.start(), Self::DATA_KEY_TTL_SECS.end());
            return Err(ConfigError(format!("crypto.data_key_ttl_secs must be between {min} and {max}")));
        }
        if self.data_key_cache_capacity < Self::MIN_DATA_KEY_CACHE_CAPACITY {
            let min = Self::MIN_DATA_KEY_CACHE_CAPACITY;
            return Err(ConfigError(format!("crypto.data_key_cache_capacity must be at least {min}")));
        }
        Ok(())
    }
}

impl Default for CryptoSettings {
    fn default() -> Self {
        Self { data_key_ttl_secs: 300, data_key_cache_capacity: 10_000 }
    }
}

fn loopback() -> IpAddr {
    IpAddr::V4(Ipv4Addr::LOCALHOST)
}
fn default_request_timeout() -> u64 {
    10
}
fn default_max_connections() -> u32 {
    10
}
fn default_approle_mount() -> String {
    "approle".into()
}
fn default_transit_mount() -> String {
    "transit".into()
}
fn default_kv_mount() -> String {
    "secret".into()
}
fn default_vault_timeout() -> u64 {
    5
}
fn default_log_filter() -> String {
    "info".into()
}

impl Settings {
    /// Loads the settings of a service whose default port is `default_port`.
    pub fn load(default_port: u16) -> Result<Self, ConfigError> {
        Self::from_figment(Self::figment(default_port))
    }

    /// The layered sources, exposed so tests can add values on top (`Figment::merge`).
    pub fn figment(default_port: u16) -> Figment {
        let defaults =
            HttpSettings { host: loopback(), port: default_port, request_timeout_secs: default_request_timeout() };
        let mut figment = Figment::new().merge(Serialized::default("http", defaults));
        if let Ok(file) = std::env::var("APP_CONFIG_FILE") {
            figment = figment.merge(Toml::file(file));
        }
        figment = figment.merge(Env::prefixed("APP__").split("__"));
        if let Ok(endpoint) = std::env::var("OTEL_EXPORTER_OTLP_ENDPOINT") {
            figment = figment.join(("telemetry.otlp_endpoint", endpoint));
        }
        figment
    }

    pub fn from_figment(figment: Figment) -> Result<Self, ConfigError> {
        let mut settings: Self = extract(figment.clone())?;
        // Reject bad values at start-up, not at the first encryption.
        settings.crypto.validate()?;
        settings.sources = Sources(figment);
        Ok(settings)
    }

    /// A service's own settings section (`identity` reads `identity.*`), from the same
    /// layers. A missing section deserialises from `{}`, so a type with defaults needs none.
    pub fn section<T: serde::de::DeserializeOwned>(&self, name: &str) -> Result<T, ConfigError> {
        let section = if self.sources.0.find_value(name).is_ok() { self.sources.0.focus(name) } else { Figment::new() };
        section.extract().map_err(|e| ConfigError(format!("{name}: {e}")))
    }
}

/// Loads any settings type from the same layers (file, then `APP__` variables), for tools
/// such as the CLI that need only some sections.
pub fn load<T: serde::de::DeserializeOwned>() -> Result<T, ConfigError> {
    let mut figment = Figment::new();
    if let Ok(file) = std::env::var("APP_CONFIG_FILE") {
        figment = figment.merge(Toml::file(file));
    }
    extract(figment.merge(Env::prefixed("APP__").split("__")))
}

fn extract<T: serde::de::DeserializeOwned>(figment: Figment) -> Result<T, ConfigError> {
    // figment's errors name the missing or mistyped key and its source, not secret values.
    figment.extract().map_err(|e| ConfigError(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn required() -> Figment {
        Settings::figment(8083)
            .merge(("redis.url", "redis://127.0.0.1:1"))
            .merge(("vault.addr", "http://127.0.0.1:2"))
            .merge(("vault.role_id", "r"))
            .merge(("vault.secret_id", "s"))
    }

    #[test]
    fn invalid_crypto_settings_fail_at_load_time() {
        let err = Settings::from_figment(required().merge(("crypto.data_key_ttl_secs", 0))).unwrap_err();
        assert!(err.to_string().contains("crypto.data_key_ttl_secs"), "{err}");
    }

    #[derive(Debug, Deserialize)]
    struct Section {
        #[serde(default)]
        issuer: Option<String>,
        #[serde(default = "default_log_filter")]
        fallback: String,
    }

    #[test]
    fn a_service_reads_its_own_section_and_missing_sections_use_defaults() {
        let s = Settings::from_figment(required().merge(("identity.issuer", "http://127.0.0.1:8081"))).unwrap();
        let section: Section = s.section("identity").unwrap();
        assert_eq!(section.issuer.as_deref(), Some("http://127.0.0.1:8081"));
        let missing: Section = s.section("records").unwrap();
        assert!(missing.issuer.is_none());
        assert_eq!(missing.fallback, "info");
    }

    #[test]
    fn defaults_fill_everything_optional() {
        let s = Settings::from_figment(required()).unwrap();
        assert_eq!(s.http.port, 8083);
        assert_eq!(s.http.host, loopback());
        assert!(s.database.is_none());
        assert_eq!(s.vault.transit_mount, "transit");
        assert_eq!(s.crypto.data_key_ttl_secs, 300);
    }

    #[test]
    fn later_layers_override_defaults() {
        let s =
            Settings::from_figment(required().merge(("http.port", 0)).merge(("database.url", "postgres://x"))).unwrap();
        assert_eq!(s.http.port, 0);
        assert_eq!(s.database.unwrap().url.expose_secret(), "postgres://x");
    }

    #[test]
    fn crypto_settings_out_of_range_are_rejected_naming_the_key() {
        let cases = [
            (0, 10, Some("crypto.data_key_ttl_secs")),
            (3601, 10, Some("crypto.data_key_ttl_secs")),
            (u64::MAX, 10, Some("crypto.data_key_ttl_secs")),
            (300, 0, Some("crypto.data_key_cache_capacity")),
            (300, 1, Some("crypto.data_key_cache_capacity")),
            (1, 2, None),
            (3600, 10_000, None),
        ];
        for (ttl, capacity, rejected) in cases {
            let settings = CryptoSettings { data_key_ttl_secs: ttl, data_key_cache_capacity: capacity };

            let result = settings.validate();

            match rejected {
                Some(key) => {
                    let msg = result.err().map(|e| e.to_string()).unwrap_or_default();
                    assert!(msg.contains(key), "ttl {ttl}, capacity {capacity}: {msg:?}");
                }
                None => assert!(result.is_ok(), "ttl {ttl}, capacity {capacity}: {result:?}"),
            }
        }
        assert!(CryptoSettings::default().validate().is_ok());
    }

    #[test]
    fn missing_required_key_is_named_and_secrets_are_not_printed() {
        let err =
            Settings::from_figment(Settings::figment(1).merge(("vault.secret_id", "hunter2-secret"))).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("redis") || msg.contains("vault"), "{msg}");
        assert!(!msg.contains("hunter2-secret"), "{msg}");
        let dbg =
            format!("{:?}", Settings::from_figment(required().merge(("vault.secret_id", "hunter2-secret"))).unwrap());
        assert!(!dbg.contains("hunter2-secret"), "secrets must not appear in Debug output");
    }
}
