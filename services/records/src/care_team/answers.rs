//! [`Answers`]: identity's recent "yes, on the care team" answers, so that the reads of one
//! session do not each cost a call to identity (an HTTP hop, a token check and a transaction
//! there: about a third of the CPU of a note read through the gateway).
//!
//! An answer is used only while it is both
//! - younger than `ttl` (`records.care_team_cache_secs`), and
//! - stored under the tenant's current care-team stamp (`tp_identity_api::internal::
//!   care_team_stamp_key`), which the caller reads from Redis before looking up. identity
//!   replaces the stamp after every committed care-team change and before answering it, so
//!   an unassignment the admin has seen answered is never outlived by an answer given before
//!   it. The stamp is read before identity is asked: an answer racing an unassignment is
//!   stored under the old stamp and never used.
//!
//! The age bound covers the one gap: identity committed a change but could not write the
//! stamp (Redis failed between the two; the admin got an error).
//!
//! Deliberately not kept: "no" (a new assignment must work at once, and a refusal goes on to
//! break-glass or is audited anyway). Bounded to `CAPACITY` entries: when full, expired
//! entries go, then everything.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use tp_ids::{TenantId, UserId};

/// Entries kept at most; one per (tenant, clinician, client) read lately.
const CAPACITY: usize = 10_000;

/// Who is asked about whom, in which practice.
pub(crate) type Key = (TenantId, UserId, UserId);

pub(crate) struct Answers {
    /// Zero disables the cache: every check asks identity.
    ttl: Duration,
    /// When each "assigned" was stored, and under which stamp.
    entries: Mutex<HashMap<Key, (Instant, String)>>,
}

impl Answers {
    pub(crate) fn new(ttl: Duration) -> Self {
        Self { ttl, entries: Mutex::new(HashMap::new()) }
    }

    pub(crate) fn enabled(&self) -> bool {
        !self.ttl.is_zero()
    }

    /// Whether `key` was answered "assigned" under `stamp` less than `ttl` before `now`.
    pub(crate) fn assigned(&self, key: &Key, stamp: &str, now: Instant) -> bool {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.get(key).is_some_and(|(at, stored)| stored == stamp && now.saturating_duration_since(*at) < self.ttl)
    }

    /// Keeps identity's "assigned" for `key`, asked after `stamp` was read.
    pub(crate) fn store(&self, key: Key, stamp: String, now: Instant) {
        if !self.enabled() {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= CAPACITY && !entries.contains_key(&key) {
            entries.retain(|_, (at, _)| now.saturating_duration_since(*at) < self.ttl);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(key, (now, stamp));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> Key {
        (TenantId::generate(), UserId::generate(), UserId::generate())
    }

    #[test]
    fn an_answer_holds_under_its_stamp_until_it_is_ttl_old() {
        let answers = Answers::new(Duration::from_secs(30));
        let (k, now) = (key(), Instant::now());
        assert!(!answers.assigned(&k, "s1", now), "nothing before it is stored");
        answers.store(k, "s1".into(), now);
        assert!(answers.assigned(&k, "s1", now + Duration::from_secs(29)));
        assert!(!answers.assigned(&k, "s1", now + Duration::from_secs(30)), "an answer ttl old is asked again");
    }

    #[test]
    fn a_new_stamp_retires_every_answer_stored_under_the_old_one() {
        let answers = Answers::new(Duration::from_secs(30));
        let (k, now) = (key(), Instant::now());
        answers.store(k, "before the unassignment".into(), now);
        assert!(!answers.assigned(&k, "after it", now));
        assert!(!answers.assigned(&(k.0, k.1, UserId::generate()), "before the unassignment", now), "another client");
    }

    #[test]
    fn a_zero_ttl_keeps_nothing() {
        let answers = Answers::new(Duration::ZERO);
        let (k, now) = (key(), Instant::now());
        answers.store(k, "s".into(), now);
        assert!(!answers.enabled());
        assert!(!answers.assigned(&k, "s", now));
    }

    #[test]
    fn a_full_cache_drops_expired_answers_then_everything() {
        let answers = Answers::new(Duration::from_secs(30));
        let now = Instant::now();
        let old: Vec<Key> = (0..CAPACITY).map(|_| key()).collect();
        for k in &old {
            answers.store(*k, "s".into(), now);
        }
        let later = now + Duration::from_secs(31);
        let fresh = key();
        answers.store(fresh, "s".into(), later);
        assert!(answers.assigned(&fresh, "s", later));
        assert_eq!(answers.entries.lock().unwrap().len(), 1, "the expired answers went");

        let young: Vec<Key> = (1..CAPACITY).map(|_| key()).collect();
        for k in &young {
            answers.store(*k, "s".into(), later);
        }
        let one_more = key();
        answers.store(one_more, "s".into(), later);
        assert_eq!(answers.entries.lock().unwrap().len(), 1, "full of live answers: start again");
        assert!(answers.assigned(&one_more, "s", later));
    }
}
