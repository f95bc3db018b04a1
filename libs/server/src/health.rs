//! `/healthz` (the process is alive) and `/readyz` (its dependencies answer now).
//!
//! Liveness never touches a dependency: restarting a healthy process because the database
//! blinked would only add load. Readiness checks each dependency with a short timeout, in
//! parallel, and names the failing ones without internals (no hostnames, no driver errors;
//! those are logged).

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use tokio::time::timeout;

use crate::Deps;

const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

pub fn health_router(deps: Deps) -> Router {
    Router::new().route("/healthz", get(healthz)).route("/readyz", get(readyz)).with_state(deps)
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    checks: Vec<Check>,
}

#[derive(Serialize)]
struct Check {
    name: &'static str,
    ok: bool,
}

async fn healthz() -> Json<Health> {
    Json(Health { status: "ok", checks: Vec::new() })
}

async fn readyz(State(deps): State<Deps>) -> (StatusCode, Json<Health>) {
    let (postgres, redis, vault) = tokio::join!(check_postgres(&deps), check_redis(&deps), check_vault(&deps));
    let mut checks = vec![Check { name: "redis", ok: redis }, Check { name: "vault", ok: vault }];
    if let Some(ok) = postgres {
        checks.insert(0, Check { name: "postgres", ok });
    }
    let ready = checks.iter().all(|c| c.ok);
    let status = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, Json(Health { status: if ready { "ready" } else { "unavailable" }, checks }))
}

async fn check_postgres(deps: &Deps) -> Option<bool> {
    let db = deps.db.as_ref()?;
    Some(report("postgres", timeout(CHECK_TIMEOUT, tp_db::ping(db)).await))
}

async fn check_redis(deps: &Deps) -> bool {
    let mut conn = deps.redis.clone();
    let ping = async move { redis::cmd("PING").query_async::<String>(&mut conn).await };
    report("redis", timeout(CHECK_TIMEOUT, ping).await)
}

async fn check_vault(deps: &Deps) -> bool {
    report("vault", timeout(CHECK_TIMEOUT, deps.vault.health()).await)
}

fn report<T, E: std::error::Error>(name: &str, outcome: Result<Result<T, E>, tokio::time::error::Elapsed>) -> bool {
    match outcome {
        Ok(Ok(_)) => true,
        Ok(Err(e)) => {
            tracing::warn!(dependency = name, error = %tp_errors::error_chain(&e), "readiness check failed");
            false
        }
        Err(_) => {
            tracing::warn!(dependency = name, "readiness check timed out");
            false
        }
    }
}
