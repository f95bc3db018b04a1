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
    /// Base address, e.g. `http://127.0.0.1:54322`.
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

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct CryptoSettings {
    /// How long a tenant's data key stays cached in memory before Vault is asked again.
    pub data_key_ttl_secs: u64,
    /// Upper bound on cached data keys (encrypt and decrypt sides together).
    pub data_key_cache_capacity: usize,
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
        extract(figment)
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
