//! Database access shared by the services: bounded connection pools, [`TenantTx`] (the only
//! way to reach tenant-owned rows), and helpers for per-service migrations.
//!
//! Tenant isolation is enforced twice. Repository functions take `&TenantTx`, so a query
//! without a tenant does not compile; and every tenant-owned table has a row-level security
//! policy on `app.tenant_id`, which `TenantTx` sets transaction-locally, so a query that
//! forgets its `tenant_id` predicate still sees only its own tenant's rows. Services connect
//! as roles that neither own their tables nor bypass RLS (see `docs/security.md`).

pub mod migration;
mod tenant_tx;

use std::time::Duration;

use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};
use secrecy::{ExposeSecret, SecretString};

pub use sea_orm;
pub use tenant_tx::TenantTx;

/// A database failure. The Display is generic on purpose: driver messages can quote SQL and
/// row values, so they stay in the `source()` for logs.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database unavailable")]
    Unavailable(#[source] DbErr),
    #[error("database error")]
    Query(#[from] DbErr),
}

/// Pool settings. Bounded on purpose: a service must not exhaust the server's connections.
#[derive(Debug, Clone)]
pub struct PoolOptions {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self { max_connections: 10, acquire_timeout: Duration::from_secs(5) }
    }
}

/// Opens a pool. Fails fast (bounded connect timeout) when the server is down.
pub async fn connect(url: &SecretString, options: &PoolOptions) -> Result<DatabaseConnection, DbError> {
    let mut opts = ConnectOptions::new(url.expose_secret().to_owned());
    opts.max_connections(options.max_connections)
        .min_connections(0)
        .connect_timeout(options.acquire_timeout)
        .acquire_timeout(options.acquire_timeout)
        // Statements are logged by our own spans; sqlx's logging would print bound values.
        .sqlx_logging(false);
    Database::connect(opts).await.map_err(DbError::Unavailable)
}

/// `SELECT 1` for readiness probes.
pub async fn ping(db: &DatabaseConnection) -> Result<(), DbError> {
    db.ping().await.map_err(DbError::Unavailable)
}
