//! [`TokenCache`]: access tokens this verifier already verified, so the same token on the
//! next request of a session skips the ES256 check (≈70 µs of the ≈75 µs a verification
//! costs) and the claims parsing.
//!
//! Keyed by the SHA-256 of the exact token bytes: the cache never holds a token (a heap
//! dump shows no bearer credential), and a token that differs by one byte is a different
//! key. Only successful verifications are inserted, so a forger cannot fill it; its size is
//! bounded by `capacity` anyway. An entry remembers the `kid` and the public point the token
//! was verified with, so the verifier can refuse a hit once that key is withdrawn.
//!
//! What a hit must still check (expiry, key still published) and revocation (Redis, every
//! request) are the verifier's business, not this module's: it only stores and evicts.
//!
//! Eviction, only when an insert finds the cache full: expired entries first; if the cache
//! is still full, the half that expires soonest. One O(n) sweep buys room for n/2 inserts,
//! so inserting is O(1) amortised and a lookup holds the lock for one hash probe. Rejected:
//! an LRU list (a second structure to keep consistent, and an extra write on every hit) and
//! a caching crate (a dependency for ~100 lines).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use ring::digest::{SHA256, digest};

use crate::principal::Principal;

/// SHA-256 of a token's bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct TokenDigest([u8; 32]);

/// A token that verified: who it names and what the hit must re-check.
pub(crate) struct Entry {
    pub(crate) principal: Principal,
    /// `exp` of the token, seconds since the epoch.
    pub(crate) exp: i64,
    pub(crate) kid: String,
    /// The public point the signature verified with (uncompressed SEC1).
    pub(crate) key: Arc<[u8]>,
}

pub(crate) struct TokenCache {
    /// 0 disables the cache.
    capacity: usize,
    /// Entries behind `Arc` so a lookup copies a pointer under the lock and clones the
    /// principal after releasing it.
    entries: Mutex<HashMap<TokenDigest, Arc<Entry>>>,
}

impl TokenCache {
    pub(crate) fn new(capacity: usize) -> Self {
        Self { capacity, entries: Mutex::new(HashMap::new()) }
    }

    /// The digest of `token`, or `None` when the cache is disabled (no hashing then).
    pub(crate) fn digest(&self, token: &str) -> Option<TokenDigest> {
        if self.capacity == 0 {
            return None;
        }
        let hash = digest(&SHA256, token.as_bytes());
        let mut bytes = [0; 32];
        bytes.copy_from_slice(hash.as_ref());
        Some(TokenDigest(bytes))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<TokenDigest, Arc<Entry>>> {
        // Every critical section leaves the map consistent (no user code runs under the lock),
        // so a poisoned lock is still safe to use.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn get(&self, digest: &TokenDigest) -> Option<Arc<Entry>> {
        self.lock().get(digest).cloned()
    }

    pub(crate) fn remove(&self, digest: &TokenDigest) {
        self.lock().remove(digest);
    }

    /// Caches a verified token. `expired_before`: entries with `exp` at or before it are
    /// dead (the verifier's expiry rule, leeway included) and evicted first.
    pub(crate) fn insert(&self, digest: TokenDigest, entry: Entry, expired_before: i64) {
        if self.capacity == 0 {
            return;
        }
        let mut entries = self.lock();
        if entries.len() >= self.capacity && !entries.contains_key(&digest) {
            entries.retain(|_, entry| entry.exp > expired_before);
            if entries.len() >= self.capacity {
                evict_soonest_expiring(&mut entries, self.capacity / 2);
            }
        }
        entries.insert(digest, Arc::new(entry));
    }

    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }
}

/// Shrinks `entries` to at most `keep` by dropping those that expire first (ties may drop
/// a few more: they are the ones closest to useless anyway).
fn evict_soonest_expiring(entries: &mut HashMap<TokenDigest, Arc<Entry>>, keep: usize) {
    let drop_count = entries.len().saturating_sub(keep);
    if drop_count == 0 {
        return;
    }
    let mut expiries: Vec<i64> = entries.values().map(|entry| entry.exp).collect();
    let (_, &mut last_dropped, _) = expiries.select_nth_unstable(drop_count - 1);
    entries.retain(|_, entry| entry.exp > last_dropped);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::{AccessClaims, Role};

    fn entry(exp: i64) -> Entry {
        let claims = AccessClaims {
            iss: "https://id.example".to_owned(),
            sub: tp_ids::UserId::generate().to_string(),
            aud: "tp-records".to_owned(),
            exp,
            iat: 0,
            jti: tp_ids::TokenId::generate().to_string(),
            sid: tp_ids::SessionId::generate().to_string(),
            tid: Some(tp_ids::TenantId::generate().to_string()),
            roles: vec![Role::Clinician],
            scope: "openid".to_owned(),
            client_id: "practice-app".to_owned(),
        };
        let principal = Principal::from_claims(claims).unwrap();
        Entry { principal, exp, kid: "v1".to_owned(), key: Arc::from([4u8; 65].as_slice()) }
    }

    fn digest_of(cache: &TokenCache, token: &str) -> TokenDigest {
        cache.digest(token).unwrap()
    }

    #[test]
    fn a_full_cache_evicts_expired_entries_before_live_ones() {
        let cache = TokenCache::new(4);
        for (token, exp) in [("dead-1", 10), ("live-1", 1000), ("dead-2", 20), ("live-2", 2000)] {
            cache.insert(digest_of(&cache, token), entry(exp), 0);
        }
        cache.insert(digest_of(&cache, "new"), entry(3000), 100);
        assert_eq!(cache.len(), 3);
        for token in ["live-1", "live-2", "new"] {
            assert!(cache.get(&digest_of(&cache, token)).is_some(), "{token} must survive");
        }
    }

    #[test]
    fn a_cache_full_of_live_entries_drops_the_half_expiring_soonest() {
        let cache = TokenCache::new(4);
        for (token, exp) in [("a", 400), ("b", 100), ("c", 300), ("d", 200)] {
            cache.insert(digest_of(&cache, token), entry(exp), 0);
        }
        cache.insert(digest_of(&cache, "e"), entry(500), 0);
        assert_eq!(cache.len(), 3);
        for token in ["a", "c", "e"] {
            assert!(cache.get(&digest_of(&cache, token)).is_some(), "{token} must survive");
        }
    }

    #[test]
    fn the_cache_never_holds_more_than_its_capacity() {
        for capacity in [1, 2, 3, 10] {
            let cache = TokenCache::new(capacity);
            for i in 0..50_i64 {
                // Same expiry for many entries: ties must not break the bound.
                cache.insert(digest_of(&cache, &format!("t{i}")), entry(1000 + i % 3), 0);
                assert!(cache.len() <= capacity, "capacity {capacity}, after insert {i}");
            }
        }
    }

    #[test]
    fn capacity_zero_disables_the_cache_without_hashing() {
        let cache = TokenCache::new(0);
        assert!(cache.digest("token").is_none());
    }

    #[test]
    fn reinserting_a_cached_token_in_a_full_cache_evicts_nothing() {
        let cache = TokenCache::new(2);
        cache.insert(digest_of(&cache, "a"), entry(100), 0);
        cache.insert(digest_of(&cache, "b"), entry(200), 0);
        cache.insert(digest_of(&cache, "a"), entry(100), 0);
        assert_eq!(cache.len(), 2);
    }
}
