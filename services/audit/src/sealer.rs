//! The sealer: a background task that, every `audit.seal_interval_secs`, appends each chain's
//! new events to its hash chain and signs the new head, one transaction per chain.
//!
//! Several replicas may run it: a chain is sealed under a transaction-scoped advisory lock,
//! so two sealers of one chain take turns and the second finds nothing left. Seals and their
//! checkpoint commit together; if Vault cannot sign, nothing of that pass is kept and the
//! next pass retries. The task ends with the process.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::checkpoint;
use crate::db::{ChainTx, seals};
use crate::domain::chain::{Chain, GENESIS, link_hash};
use crate::error::Error;
use crate::state::AppState;

/// Runs passes forever (not at all when the interval is 0: tests drive [`Sealer::pass`]).
pub(crate) fn spawn(state: AppState) {
    let interval = state.settings.seal_interval_secs;
    if interval == 0 {
        return;
    }
    tokio::spawn(async move {
        let mut sealer = Sealer::new(state);
        let mut ticks = tokio::time::interval(Duration::from_secs(interval));
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if let Err(e) = sealer.pass().await {
                tracing::warn!(error = %tp_errors::error_chain(&e), "sealing pass failed");
            }
        }
    });
}

/// One sealer and what it remembers between passes.
pub struct Sealer {
    state: AppState,
    /// Only events at or after this time can be new to the chains (see [`Sealer::pass`]);
    /// `None` before the first complete pass, which looks at everything once.
    since: Option<DateTime<Utc>>,
}

impl Sealer {
    pub fn new(state: AppState) -> Self {
        Self { state, since: None }
    }

    /// Seals what is pending in every chain; returns how many events were sealed.
    ///
    /// An event a later pass can see for the first time committed after this pass started,
    /// so it occurred at most the late-commit window before that: the next pass need not look
    /// further back. Unless a chain was left unfinished (a full batch, an error), whose older
    /// backlog must still be found.
    #[tracing::instrument(skip_all)]
    pub async fn pass(&mut self) -> Result<u64, Error> {
        let started = seals::now(&self.state.db).await?;
        let chains = seals::chains_with_unsealed(&self.state.db, self.since).await?;
        let mut complete = true;
        let mut sealed = 0;
        for chain in chains {
            match seal_chain(&self.state, chain).await {
                Ok((count, finished)) => {
                    sealed += count;
                    complete &= finished;
                }
                Err(e) => {
                    complete = false;
                    tracing::warn!(%chain, error = %tp_errors::error_chain(&e), "sealing a chain failed");
                }
            }
        }
        if complete {
            let window = chrono::Duration::seconds(i64::try_from(self.window()).unwrap_or(i64::MAX));
            self.since = Some(started.checked_sub_signed(window).unwrap_or(started));
        }
        if sealed > 0 {
            tracing::debug!(sealed, "sealed audit events");
        }
        Ok(sealed)
    }

    fn window(&self) -> u64 {
        self.state.settings.late_commit_window_secs
    }
}

/// Appends up to one batch of `chain`'s unsealed events and signs the new head. Returns how
/// many were sealed and whether the chain has nothing left (the batch was not full).
#[tracing::instrument(skip_all, fields(%chain))]
async fn seal_chain(state: &AppState, chain: Chain) -> Result<(u64, bool), Error> {
    let settings = &state.settings;
    let tx = ChainTx::begin(&state.db, chain).await?;
    seals::lock_chain(&tx).await?;
    let (mut seq, mut prev) = seals::head(&tx).await?.unwrap_or((0, GENESIS));
    let events = seals::unsealed(&tx, settings.late_commit_window_secs, settings.seal_batch).await?;
    let finished = (events.len() as u64) < settings.seal_batch;
    let mut sealed = 0;
    for (event, occurred_at) in &events {
        let hash = link_hash(&prev, event);
        if seals::append_seal(&tx, seq + 1, event.id, *occurred_at, &prev, &hash).await? {
            seq += 1;
            prev = hash;
            sealed += 1;
        }
    }
    if sealed == 0 {
        return Ok((0, finished));
    }
    let signature = checkpoint::sign(&state.vault, &settings.checkpoint_key, chain, seq, &prev).await?;
    seals::append_checkpoint(&tx, seq, &prev, &signature).await?;
    tx.commit().await?;
    Ok((sealed, finished))
}
