//! What verification concludes, as a pure walk: [`Walk`] is fed the chain's seals in `seq`
//! order (each with its event as it reads today, if it still exists) and the unsealed events
//! found too far behind the chain's horizon, and yields a [`Report`] of [`Problem`]s that
//! name positions and event ids only, never event content.
//!
//! The kinds, precisely:
//! - `altered`: the event's recomputed link hash differs from its seal (content, time, tenant
//!   or id changed after sealing);
//! - `deleted`: a sealed event is gone (or moved to another tenant), or seal rows are missing
//!   (a gap in `seq`; reported once per gap, at its first missing position, without an id);
//! - `inserted`: an event that is not sealed although it is older than the chain's horizon
//!   (the newest sealed event time) by more than the late-commit window: no transaction of a
//!   service commits that late, so it was written behind the sealer's back;
//! - `reordered`: a seal's `prev_hash` is not the hash of the seal before it (seals swapped,
//!   moved or rewritten);
//! - `checkpoint`: a signature that does not verify, or a signed head that is not on the
//!   chain (its hash differs from the seal at its `seq`, or the chain ends before it) -- which
//!   is also how a rewrite that recomputed every later seal shows up.
//!
//! Deliberately not detected here: events appended with a current time (any writer may
//! append), and the removal of the newest seals together with the checkpoints that signed
//! them (that needs the checkpoints kept outside the database too; see docs/operations.md).

use std::collections::VecDeque;

use serde::Serialize;
use uuid::Uuid;

use crate::domain::chain::{GENESIS, SealedEvent, link_hash};

/// At most this many problems are listed; `truncated` says there were more.
pub const MAX_PROBLEMS: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    Altered,
    Deleted,
    Inserted,
    Reordered,
    Checkpoint,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub kind: ProblemKind,
    /// The chain position concerned; `None` for an inserted (never sealed) event.
    pub seq: Option<i64>,
    /// The event concerned, when there is one.
    pub event_id: Option<Uuid>,
}

/// One row of `audit.seals`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seal {
    pub seq: i64,
    pub event_id: Uuid,
    pub prev_hash: [u8; 32],
    pub hash: [u8; 32],
}

/// One row of `audit.checkpoints`, with its signature already checked by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedCheckpoint {
    pub seq: i64,
    pub hash: [u8; 32],
    pub signature_valid: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub intact: bool,
    /// Seals walked.
    pub sealed: i64,
    /// Recent events not sealed yet (the sealer will take them): not a problem.
    pub pending: i64,
    /// The newest signed head, if any.
    pub checkpoint_seq: Option<i64>,
    pub problems: Vec<Problem>,
    pub truncated: bool,
}

/// The walk over one chain.
pub struct Walk {
    next_seq: i64,
    prev_hash: [u8; 32],
    /// Ascending by `seq`; consumed as the walk passes them.
    checkpoints: VecDeque<CheckedCheckpoint>,
    checkpoint_seq: Option<i64>,
    sealed: i64,
    problems: Vec<Problem>,
    truncated: bool,
}

impl Walk {
    /// `checkpoints` in any order.
    pub fn new(mut checkpoints: Vec<CheckedCheckpoint>) -> Self {
        checkpoints.sort_by_key(|c| c.seq);
        let checkpoint_seq = checkpoints.iter().filter(|c| c.signature_valid).map(|c| c.seq).max();
        Self {
            next_seq: 1,
            prev_hash: GENESIS,
            checkpoints: checkpoints.into(),
            checkpoint_seq,
            sealed: 0,
            problems: Vec::new(),
            truncated: false,
        }
    }

    /// The next seal (ascending `seq`) and its event as it reads now (`None`: gone).
    pub fn link(&mut self, seal: &Seal, event: Option<&SealedEvent>) {
        let gap = seal.seq > self.next_seq;
        if gap {
            self.report(ProblemKind::Deleted, Some(self.next_seq), None);
        }
        // After a gap the previous link is missing, so it cannot be compared.
        if !gap && seal.prev_hash != self.prev_hash {
            self.report(ProblemKind::Reordered, Some(seal.seq), Some(seal.event_id));
        }
        match event {
            None => self.report(ProblemKind::Deleted, Some(seal.seq), Some(seal.event_id)),
            Some(event) if event.id != seal.event_id || link_hash(&seal.prev_hash, event) != seal.hash => {
                self.report(ProblemKind::Altered, Some(seal.seq), Some(seal.event_id));
            }
            Some(_) => {}
        }
        while let Some(checkpoint) = self.checkpoints.front().filter(|c| c.seq <= seal.seq).cloned() {
            self.checkpoints.pop_front();
            if !checkpoint.signature_valid || checkpoint.seq != seal.seq || checkpoint.hash != seal.hash {
                self.report(ProblemKind::Checkpoint, Some(checkpoint.seq), None);
            }
        }
        self.prev_hash = seal.hash;
        self.next_seq = seal.seq.saturating_add(1);
        self.sealed += 1;
    }

    /// An unsealed event older than the chain's horizon allows.
    pub fn inserted(&mut self, event_id: Uuid) {
        self.report(ProblemKind::Inserted, None, Some(event_id));
    }

    pub fn finish(mut self, pending: i64) -> Report {
        // Signed heads beyond the end of the chain: seals were removed from its tail.
        while let Some(checkpoint) = self.checkpoints.pop_front() {
            self.report(ProblemKind::Checkpoint, Some(checkpoint.seq), None);
        }
        Report {
            intact: self.problems.is_empty() && !self.truncated,
            sealed: self.sealed,
            pending,
            checkpoint_seq: self.checkpoint_seq,
            problems: self.problems,
            truncated: self.truncated,
        }
    }

    fn report(&mut self, kind: ProblemKind, seq: Option<i64>, event_id: Option<Uuid>) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(Problem { kind, seq, event_id });
        } else {
            self.truncated = true;
        }
    }
}

#[cfg(test)]
#[path = "verify_tests.rs"]
mod tests;
