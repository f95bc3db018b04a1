//! [`Deps`]: the live connections a service holds, opened once at start-up.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use sea_orm::DatabaseConnection;
use secrecy::ExposeSecret;
use tp_config::Settings;
use tp_db::{DbError, PoolOptions};
use tp_vault::{Vault, VaultError};

/// A dependency could not be reached or configured at start-up. The process exits with this
/// message; an orchestrator restarts it.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot connect to PostgreSQL")]
    Database(#[source] DbError),
    #[error("cannot connect to Redis")]
    Redis(#[source] redis::RedisError),
    #[error("cannot log in to Vault")]
    Vault(#[source] VaultError),
    #[error("cannot bind the HTTP listener")]
    Bind(#[source] std::io::Error),
    #[error("{0}")]
    Config(String),
}

/// Connections to PostgreSQL (absent for the gateway, which owns no data), Redis and Vault.
/// Cheap to clone: each field is a handle to a shared pool or client.
#[derive(Clone)]
pub struct Deps {
    pub db: Option<DatabaseConnection>,
    pub redis: ConnectionManager,
    pub vault: Vault,
}

impl Deps {
    pub async fn connect(settings: &Settings) -> Result<Self, StartupError> {
        let db = match &settings.database {
            Some(database) => {
                let options = PoolOptions { max_connections: database.max_connections, ..PoolOptions::default() };
                Some(tp_db::connect(&database.url, &options).await.map_err(StartupError::Database)?)
            }
            None => None,
        };
        let redis = connect_redis(settings.redis.url.expose_secret()).await.map_err(StartupError::Redis)?;
        let vault = Vault::login_approle(&settings.vault).await.map_err(StartupError::Vault)?;
        Ok(Self { db, redis, vault })
    }
}

/// A self-reconnecting Redis handle with bounded timeouts: a slow Redis must degrade a
/// request, not hang it.
pub async fn connect_redis(url: &str) -> Result<ConnectionManager, redis::RedisError> {
    let client = redis::Client::open(url)?;
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(Duration::from_secs(2)))
        .set_response_timeout(Some(Duration::from_secs(2)))
        .set_number_of_retries(2);
    ConnectionManager::new_with_config(client, config).await
}
