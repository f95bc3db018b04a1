//! The command line every service binary shares: `<binary> [serve]` and `<binary> migrate`.
//!
//! Exit codes: 0 on success, 2 on bad usage or configuration, 1 when a dependency fails.

use std::future::Future;
use std::process::ExitCode;

use axum::Router;
use sea_orm_migration::MigratorTrait;
use secrecy::SecretString;
use tp_config::Settings;
use tp_db::DbError;
use tp_ids::Service;

use crate::{Deps, Server, StartupError, health_router, with_common_layers};

/// What a service contributes: its identity, its routes and its migrations.
pub trait ServiceApp {
    const SERVICE: Service;

    /// The service's own routes; `/healthz` and `/readyz` are added around them. Async and
    /// fallible because a service may prepare state at start-up (read its settings section,
    /// make sure its Vault keys exist); an error stops start-up.
    fn routes(deps: Deps, settings: &Settings) -> impl Future<Output = Result<Router, StartupError>> + Send;

    /// The service's migrations (an empty migrator for a service without a schema).
    type Migrator: MigratorTrait;

    /// Applies pending migrations as the migrator role; returns how many ran.
    fn migrate(migrator_url: &SecretString) -> impl Future<Output = Result<usize, DbError>> + Send {
        tp_db::migration::run::<Self::Migrator>(migrator_url)
    }
}

/// The full router of `A`: its routes, health endpoints and the common layers.
pub async fn router<A: ServiceApp>(deps: Deps, settings: &Settings) -> Result<Router, StartupError> {
    let app = A::routes(deps.clone(), settings).await?.merge(health_router(deps));
    Ok(with_common_layers(app, &settings.http))
}

/// Builds `A` on a bound listener; tests use this with port 0.
pub async fn build<A: ServiceApp>(settings: &Settings) -> Result<Server, StartupError> {
    if let Some(database) = settings.database.as_ref().filter(|d| d.migrate_on_start) {
        let url = database
            .migrator_url
            .as_ref()
            .ok_or_else(|| StartupError::Config("database.migrate_on_start needs database.migrator_url".into()))?;
        A::migrate(url).await.map_err(StartupError::Database)?;
    }
    let listener = crate::serve::listen(&settings.http).await?;
    // The router sees the port actually bound (port 0 in tests becomes a real one).
    let mut settings = settings.clone();
    settings.http.port = listener.local_addr().map_err(StartupError::Bind)?.port();
    let deps = Deps::connect(&settings).await?;
    let router = router::<A>(deps, &settings).await?;
    Ok(Server::new(listener, router))
}

/// `main` of every service binary.
pub async fn run<A: ServiceApp>(version: &str) -> ExitCode {
    // reqwest and redis are built without a default TLS provider (one backend, no aws-lc).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let command = std::env::args().nth(1).unwrap_or_else(|| "serve".to_owned());
    if !matches!(command.as_str(), "serve" | "migrate") {
        eprintln!("usage: tp-{} [serve|migrate]", A::SERVICE);
        return ExitCode::from(2);
    }
    let settings = match Settings::load(A::SERVICE.default_port()) {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("{}: {e}", A::SERVICE);
            return ExitCode::from(2);
        }
    };
    let _telemetry = match tp_telemetry::init(A::SERVICE.name(), version, &settings.telemetry) {
        Ok(guard) => guard,
        Err(e) => {
            eprintln!("{}: {}", A::SERVICE, tp_errors::error_chain(&e));
            return ExitCode::from(2);
        }
    };
    let outcome = match command.as_str() {
        "migrate" => migrate::<A>(&settings).await,
        _ => serve::<A>(&settings).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %tp_errors::error_chain(&e), "{} stopped", A::SERVICE);
            if matches!(e, StartupError::Config(_)) { ExitCode::from(2) } else { ExitCode::FAILURE }
        }
    }
}

async fn serve<A: ServiceApp>(settings: &Settings) -> Result<(), StartupError> {
    let server = build::<A>(settings).await?;
    tracing::info!(port = server.port(), "{} listening", A::SERVICE);
    server.run_until_stopped().await.map_err(StartupError::Bind)
}

async fn migrate<A: ServiceApp>(settings: &Settings) -> Result<(), StartupError> {
    if A::Migrator::migrations().is_empty() {
        tracing::info!("{} owns no schema; nothing to migrate", A::SERVICE);
        return Ok(());
    }
    let url = settings.database.as_ref().and_then(|d| d.migrator_url.as_ref()).ok_or_else(|| {
        StartupError::Config("`migrate` needs database.migrator_url (APP__DATABASE__MIGRATOR_URL)".into())
    })?;
    let applied = A::migrate(url).await.map_err(StartupError::Database)?;
    tracing::info!(applied, "{} migrations up to date", A::SERVICE);
    Ok(())
}
