//! The background task that keeps identity's tables from growing without bound: once an hour
//! it deletes artefacts that expired more than a day ago (`db::sweep`). Several replicas may
//! sweep at once; the deletes are idempotent. The task ends with the process.

use std::time::Duration;

use sea_orm::DatabaseConnection;

/// How long an expired row is kept (a late replay still finds it and is refused).
pub const GRACE_SECS: u32 = 24 * 3600;
const INTERVAL: Duration = Duration::from_secs(3600);

/// Sweeps now and then every hour, logging counts only.
pub(crate) fn spawn(db: DatabaseConnection) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(INTERVAL);
        loop {
            ticks.tick().await;
            match crate::db::sweep::sweep_expired(&db, GRACE_SECS).await {
                Ok(deleted) => tracing::info!(deleted, "swept expired sign-in artefacts"),
                Err(e) => {
                    tracing::warn!(error = %tp_errors::error_chain(&e), "sweeping expired sign-in artefacts failed")
                }
            }
        }
    });
}

/// One sweep, for tests and operators: rows expired more than `grace_secs` ago.
pub async fn sweep_once(state: &crate::state::AppState, grace_secs: u32) -> Result<u64, crate::error::Error> {
    Ok(crate::db::sweep::sweep_expired(&state.db, grace_secs).await?)
}
