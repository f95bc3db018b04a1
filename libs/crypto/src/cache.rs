//! The in-memory data-key cache behind [`crate::Keyring`]: per tenant, the data key new
//! values are sealed with; per wrapped key, its unwrapped form for opening values.
//!
//! Entries live for a fixed TTL from insertion, so a rotated or deleted (shredded) tenant key
//! stops being used within one TTL. The total number of entries is bounded; when full,
//! expired entries go first, then the one closest to expiry. Evicted keys are dropped, which
//! wipes them (`FieldKey` holds a `ZeroizeOnDrop` cipher; a clone still in use by a running
//! operation is wiped when that finishes).
//!
//! Plain `HashMap`s behind the caller's `std::sync::Mutex`: the critical sections are a hash
//! lookup and never span an await. Eviction is an O(n) scan, paid only when inserting into a
//! full cache, i.e. at most once per tenant per TTL. Not an LRU: an LRU would mean a write on
//! every hit, on the hot path, to optimise the rare full-cache case.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tp_ids::TenantId;

use crate::envelope::FieldKey;

pub(crate) struct KeyCache {
    ttl: Duration,
    capacity: usize,
    /// The data key each tenant's new values are sealed with.
    sealing: HashMap<TenantId, Entry>,
    /// Unwrapped data keys by wrapped form, with the tenant whose transit key unwrapped them:
    /// a wrapped key presented for another tenant is a miss, never a hit.
    opening: HashMap<Box<str>, (TenantId, Entry)>,
}

struct Entry {
    key: Arc<FieldKey>,
    expires: Instant,
}

impl KeyCache {
    pub(crate) fn new(ttl: Duration, capacity: usize) -> Self {
        Self { ttl, capacity, sealing: HashMap::new(), opening: HashMap::new() }
    }

    pub(crate) fn sealing_key(&mut self, tenant: &TenantId, now: Instant) -> Option<Arc<FieldKey>> {
        let entry = self.sealing.get(tenant)?;
        if entry.expires > now {
            return Some(Arc::clone(&entry.key));
        }
        self.sealing.remove(tenant);
        None
    }

    pub(crate) fn opening_key(&mut self, tenant: &TenantId, wrapped: &str, now: Instant) -> Option<Arc<FieldKey>> {
        let (owner, entry) = self.opening.get(wrapped)?;
        if owner != tenant {
            return None;
        }
        if entry.expires > now {
            return Some(Arc::clone(&entry.key));
        }
        self.opening.remove(wrapped);
        None
    }

    /// Caches a freshly generated data key for sealing, and for opening what it seals.
    pub(crate) fn insert_sealing(&mut self, tenant: TenantId, key: Arc<FieldKey>, now: Instant) {
        if !self.sealing.contains_key(&tenant) {
            self.make_room(now);
        }
        if self.capacity == 0 {
            return;
        }
        let expires = now + self.ttl;
        self.sealing.insert(tenant, Entry { key: Arc::clone(&key), expires });
        self.insert_opening(tenant, key, now);
    }

    pub(crate) fn insert_opening(&mut self, tenant: TenantId, key: Arc<FieldKey>, now: Instant) {
        if !self.opening.contains_key(key.wrapped()) {
            self.make_room(now);
        }
        if self.capacity == 0 {
            return;
        }
        let expires = now + self.ttl;
        self.opening.insert(key.wrapped().into(), (tenant, Entry { key, expires }));
    }

    pub(crate) fn clear(&mut self) {
        self.sealing.clear();
        self.opening.clear();
    }

    pub(crate) fn len(&self) -> usize {
        self.sealing.len() + self.opening.len()
    }

    /// Makes space for one more entry.
    fn make_room(&mut self, now: Instant) {
        if self.len() < self.capacity {
            return;
        }
        self.sealing.retain(|_, entry| entry.expires > now);
        self.opening.retain(|_, (_, entry)| entry.expires > now);
        while self.len() >= self.capacity && self.evict_oldest() {}
    }

    /// Drops the entry closest to expiry; `false` when there is none.
    fn evict_oldest(&mut self) -> bool {
        let sealing = self.sealing.iter().min_by_key(|(_, e)| e.expires).map(|(t, e)| (*t, e.expires));
        let opening = self.opening.iter().min_by_key(|(_, (_, e))| e.expires).map(|(w, (_, e))| (w.clone(), e.expires));
        match (sealing, opening) {
            (Some((tenant, s)), Some((_, o))) if s <= o => self.sealing.remove(&tenant).is_some(),
            (_, Some((wrapped, _))) => self.opening.remove(&wrapped).is_some(),
            (Some((tenant, _)), None) => self.sealing.remove(&tenant).is_some(),
            (None, None) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> Arc<FieldKey> {
        Arc::new(FieldKey::new(&[n; 32], &format!("vault:v1:key{n}")).unwrap())
    }

    #[test]
    fn entries_expire_after_the_ttl() {
        let mut cache = KeyCache::new(Duration::from_secs(10), 100);
        let (tenant, now) = (TenantId::generate(), Instant::now());
        cache.insert_sealing(tenant, key(1), now);

        assert!(cache.sealing_key(&tenant, now + Duration::from_secs(9)).is_some());
        assert!(cache.opening_key(&tenant, "vault:v1:key1", now + Duration::from_secs(9)).is_some());
        assert!(cache.sealing_key(&tenant, now + Duration::from_secs(10)).is_none());
        assert!(cache.opening_key(&tenant, "vault:v1:key1", now + Duration::from_secs(10)).is_none());
        assert_eq!(cache.len(), 0, "expired entries are dropped when seen");
    }

    #[test]
    fn a_wrapped_key_cached_for_one_tenant_is_a_miss_for_another() {
        let mut cache = KeyCache::new(Duration::from_secs(10), 100);
        let now = Instant::now();
        cache.insert_opening(TenantId::generate(), key(1), now);

        assert!(cache.opening_key(&TenantId::generate(), "vault:v1:key1", now).is_none());
    }

    #[test]
    fn the_cache_never_exceeds_its_capacity_and_evicts_the_oldest_first() {
        let mut cache = KeyCache::new(Duration::from_secs(100), 3);
        let tenant = TenantId::generate();
        let start = Instant::now();
        for n in 0..10u8 {
            cache.insert_opening(tenant, key(n), start + Duration::from_secs(u64::from(n)));
            assert!(cache.len() <= 3, "after {n}: {}", cache.len());
        }

        let now = start + Duration::from_secs(10);
        assert!(cache.opening_key(&tenant, "vault:v1:key9", now).is_some());
        assert!(cache.opening_key(&tenant, "vault:v1:key7", now).is_some());
        assert!(cache.opening_key(&tenant, "vault:v1:key6", now).is_none());
    }

    #[test]
    fn a_zero_capacity_cache_caches_nothing() {
        let mut cache = KeyCache::new(Duration::from_secs(100), 0);
        let tenant = TenantId::generate();
        cache.insert_sealing(tenant, key(1), Instant::now());

        assert_eq!(cache.len(), 0);
        assert!(cache.sealing_key(&tenant, Instant::now()).is_none());
    }
}
