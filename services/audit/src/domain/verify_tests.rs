//! Unit tests of the verification walk on chains built in memory.

use super::*;

fn event(n: u8) -> SealedEvent {
    SealedEvent {
        id: Uuid::from_bytes([n; 16]),
        tenant_id: None,
        occurred_at_micros: i64::from(n),
        service: "identity".into(),
        action: "identity.sign_in.failed".into(),
        outcome: "failure".into(),
        actor_kind: "anonymous".into(),
        actor_id: None,
        subject_kind: None,
        subject_id: None,
        request_id: None,
        details: "{}".into(),
    }
}

/// A sealed chain of `n` events and a valid checkpoint at its head.
fn chain(n: u8) -> (Vec<Seal>, Vec<SealedEvent>, Vec<CheckedCheckpoint>) {
    let mut prev = GENESIS;
    let mut seals = Vec::new();
    let events: Vec<SealedEvent> = (1..=n).map(event).collect();
    for (i, e) in events.iter().enumerate() {
        let hash = link_hash(&prev, e);
        seals.push(Seal { seq: i as i64 + 1, event_id: e.id, prev_hash: prev, hash });
        prev = hash;
    }
    let head = CheckedCheckpoint { seq: i64::from(n), hash: prev, signature_valid: true };
    (seals, events, vec![head])
}

fn walk(seals: &[Seal], events: &[SealedEvent], checkpoints: Vec<CheckedCheckpoint>) -> Report {
    let mut walk = Walk::new(checkpoints);
    for seal in seals {
        walk.link(seal, events.iter().find(|e| e.id == seal.event_id));
    }
    walk.finish(0)
}

fn kinds(report: &Report) -> Vec<(ProblemKind, Option<i64>)> {
    report.problems.iter().map(|p| (p.kind, p.seq)).collect()
}

#[test]
fn an_untouched_chain_is_intact() {
    let (seals, events, checkpoints) = chain(5);
    let report = walk(&seals, &events, checkpoints);
    assert!(report.intact, "{report:?}");
    assert_eq!((report.sealed, report.checkpoint_seq), (5, Some(5)));
}

#[test]
fn an_altered_event_is_reported_at_its_position_only() {
    let (seals, mut events, checkpoints) = chain(5);
    events[2].outcome = "success".into();
    assert_eq!(kinds(&walk(&seals, &events, checkpoints)), [(ProblemKind::Altered, Some(3))]);
}

#[test]
fn a_deleted_event_and_a_deleted_seal_are_reported() {
    let (mut seals, mut events, checkpoints) = chain(5);
    events.remove(1);
    seals.remove(3);
    let report = walk(&seals, &events, checkpoints);
    assert_eq!(kinds(&report), [(ProblemKind::Deleted, Some(2)), (ProblemKind::Deleted, Some(4))]);
}

#[test]
fn swapped_seals_are_reported_as_reordered() {
    let (mut seals, events, checkpoints) = chain(5);
    seals.swap(1, 2);
    seals[1].seq = 2;
    seals[2].seq = 3;
    let report = walk(&seals, &events, checkpoints);
    assert!(report.problems.iter().all(|p| p.kind == ProblemKind::Reordered), "{report:?}");
    assert_eq!(kinds(&report).first(), Some(&(ProblemKind::Reordered, Some(2))));
}

#[test]
fn a_recomputed_rewrite_is_caught_by_the_checkpoint() {
    let (_, mut events, checkpoints) = chain(5);
    events[0].outcome = "success".into();
    // The attacker reseals everything: links are consistent, the signed head is not.
    let mut prev = GENESIS;
    let seals: Vec<Seal> = events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let hash = link_hash(&prev, e);
            let seal = Seal { seq: i as i64 + 1, event_id: e.id, prev_hash: prev, hash };
            prev = hash;
            seal
        })
        .collect();
    assert_eq!(kinds(&walk(&seals, &events, checkpoints)), [(ProblemKind::Checkpoint, Some(5))]);
}

#[test]
fn a_bad_signature_and_a_head_beyond_the_chain_are_checkpoint_problems() {
    let (mut seals, events, mut checkpoints) = chain(5);
    checkpoints.push(CheckedCheckpoint { seq: 2, hash: seals[1].hash, signature_valid: false });
    seals.truncate(4);
    let report = walk(&seals, &events, checkpoints);
    assert_eq!(kinds(&report), [(ProblemKind::Checkpoint, Some(2)), (ProblemKind::Checkpoint, Some(5))]);
}

#[test]
fn an_inserted_event_makes_the_chain_not_intact() {
    let (seals, events, checkpoints) = chain(2);
    let mut walk_ = Walk::new(checkpoints);
    for seal in &seals {
        walk_.link(seal, events.iter().find(|e| e.id == seal.event_id));
    }
    walk_.inserted(Uuid::from_bytes([9; 16]));
    let report = walk_.finish(3);
    assert!(!report.intact);
    assert_eq!(report.pending, 3);
    assert_eq!(kinds(&report), [(ProblemKind::Inserted, None)]);
}
