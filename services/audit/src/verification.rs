//! [`verify`]: recomputes one chain from `audit.events` and `audit.seals` in a single
//! read-only snapshot, checks every checkpoint's signature, and reports problems by position
//! and event id (see `domain::verify` for what each kind means). Who may ask: a practice
//! admin for their own practice, a platform operator for any practice and for the platform
//! chain.

use tp_auth::Principal;
use tp_authz::Permission;

use crate::checkpoint::PublicKeys;
use crate::db::{ChainTx, read};
use crate::domain::chain::Chain;
use crate::domain::verify::{CheckedCheckpoint, MAX_PROBLEMS, Report, Walk};
use crate::error::Error;
use crate::state::AppState;

/// Seals read per query: bounds memory on long chains.
const PAGE: i64 = 5_000;

#[tracing::instrument(skip_all, fields(%chain))]
pub async fn verify(state: &AppState, caller: &Principal, chain: Chain) -> Result<Report, Error> {
    match chain {
        Chain::Tenant(tenant) => tp_authz::authorize(caller, Some(tenant), Permission::AuditVerify)?,
        // `authorize` lets a practice's admin act "platform-wide" inside their own tenant;
        // the platform chain is not theirs.
        Chain::Platform if !caller.is_operator() => return Err(Error::Forbidden),
        Chain::Platform => tp_authz::authorize(caller, None, Permission::AuditVerify)?,
    }
    let keys = PublicKeys::read(&state.vault, &state.settings.checkpoint_key).await?;
    let tx = ChainTx::snapshot(&state.db, chain).await?;
    let checkpoints = read::checkpoints(&tx)
        .await?
        .into_iter()
        .map(|(seq, hash, signature)| CheckedCheckpoint {
            seq,
            hash,
            signature_valid: keys.verify(chain, seq, &hash, &signature),
        })
        .collect();
    let mut walk = Walk::new(checkpoints);
    let mut after = 0;
    loop {
        let page = read::seals_after(&tx, after, PAGE).await?;
        for (seal, event) in &page {
            walk.link(seal, event.as_ref());
            after = seal.seq;
        }
        if (page.len() as i64) < PAGE {
            break;
        }
    }
    let limit = i64::try_from(MAX_PROBLEMS).unwrap_or(i64::MAX);
    let (inserted, pending) = read::unsealed(&tx, state.settings.late_commit_window_secs, limit).await?;
    inserted.into_iter().for_each(|id| walk.inserted(id));
    tx.commit().await?;
    let report = walk.finish(pending);
    tracing::info!(intact = report.intact, sealed = report.sealed, problems = report.problems.len(), "verified");
    Ok(report)
}
