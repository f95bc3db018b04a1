//! The in-memory data-key cache behind [`crate::Keyring`]: per tenant, the data key new
//! values are sealed with; per wrapped key, its unwrapped form for opening values.
//!
//! Entries live for a fixed TTL from insertion, so a rotated or deleted (shredded) tenant key
//! stops being used within one TTL. Expired entries are also swept (at most every TTL/2,
//! whenever the cache is used), so a key no one asks for any more leaves memory within about
//! 1.5 TTL instead of lingering until the cache fills; [`KeyCache::forget_tenant`] drops a
//! tenant's keys at once. The total number of entries is bounded; when full, expired entries
//! go first, then the one closest to expiry. Dropped keys are wiped (`FieldKey` holds a
//! `ZeroizeOnDrop` cipher; a clone still in use by a running operation is wiped when that
//! finishes).
//!
//! Plain `HashMap`s behind the caller's `std::sync::Mutex`: the critical sections are a hash
//! lookup and never span an await. Eviction and sweeps are O(n) scans, paid on a full-cache
//! insert or once per TTL/2. Not an LRU: an LRU would mean a write on every hit, on the hot
//! path, to optimise the rare full-cache case.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tp_ids::TenantId;

use crate::envelope::FieldKey;

pub(crate) struct KeyCache {
    ttl: Duration,
    /// At least 2: a fresh data key needs a sealing and an opening entry.
    capacity: usize,
    /// The data key each tenant's new values are sealed with.
    sealing: HashMap<TenantId, Entry>,
    /// Unwrapped data keys by wrapped form, with the tenant whose transit key unwrapped them:
    /// a wrapped key presented for another tenant is a miss, never a hit.
    opening: HashMap<Box<str>, (TenantId, Entry)>,
    next_sweep: Instant,
    /// Bumped by [`KeyCache::clear`] and [`KeyCache::forget_tenant`]: a key fetched from
    /// Vault by a call that started before is not cached (see [`KeyCache::generation`]).
    generation: u64,
}

struct Entry {
    key: Arc<FieldKey>,
    expires: Instant,
}

impl KeyCache {
    /// `ttl` and `capacity` come validated from `CryptoSettings`; a capacity below 2 is
    /// raised to 2 all the same, since sealing would evict its own opening twin.
    pub(crate) fn new(ttl: Duration, capacity: usize, now: Instant) -> Self {
        Self {
            ttl,
            capacity: capacity.max(2),
            sealing: HashMap::new(),
            opening: HashMap::new(),
            next_sweep: now,
            generation: 0,
        }
    }

    pub(crate) fn sealing_key(&mut self, tenant: &TenantId, now: Instant) -> Option<Arc<FieldKey>> {
        self.sweep_if_due(now);
        let entry = self.sealing.get(tenant)?;
        if entry.expires > now {
            return Some(Arc::clone(&entry.key));
        }
        self.sealing.remove(tenant);
        None
    }

    pub(crate) fn opening_key(&mut self, tenant: &TenantId, wrapped: &str, now: Instant) -> Option<Arc<FieldKey>> {
        self.sweep_if_due(now);
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

    /// Read before asking Vault for a key, passed back to `insert_*`: a key whose fetch
    /// started before a `clear` or `forget_tenant` is used by its callers but not cached,
    /// or forgetting a shredded tenant could be undone by a request that was in flight.
    pub(crate) fn generation(&self) -> u64 {
        self.generation
    }

    /// Caches a freshly generated data key for sealing, and for opening what it seals.
    pub(crate) fn insert_sealing(&mut self, tenant: TenantId, key: Arc<FieldKey>, now: Instant, generation: u64) {
        let Some(expires) = self.admit(now, generation) else { return };
        let new_entries =
            usize::from(!self.sealing.contains_key(&tenant)) + usize::from(!self.opening.contains_key(key.wrapped()));
        // Room for both up front: making room for the opening entry afterwards could evict
        // the sealing entry just inserted, the one closest to expiry when all are equal.
        self.make_room(new_entries, now);
        self.sealing.insert(tenant, Entry { key: Arc::clone(&key), expires });
        self.opening.insert(key.wrapped().into(), (tenant, Entry { key, expires }));
    }

    pub(crate) fn insert_opening(&mut self, tenant: TenantId, key: Arc<FieldKey>, now: Instant, generation: u64) {
        let Some(expires) = self.admit(now, generation) else { return };
        if !self.opening.contains_key(key.wrapped()) {
            self.make_room(1, now);
        }
        self.opening.insert(key.wrapped().into(), (tenant, Entry { key, expires }));
    }

    pub(crate) fn clear(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        self.sealing.clear();
        self.opening.clear();
    }

    /// Drops every key of `tenant`, sealing and opening: its data becomes unreadable in this
    /// process without Vault.
    pub(crate) fn forget_tenant(&mut self, tenant: &TenantId) {
        self.generation = self.generation.wrapping_add(1);
        self.sealing.remove(tenant);
        self.opening.retain(|_, (owner, _)| owner != tenant);
    }

    pub(crate) fn len(&self) -> usize {
        self.sealing.len() + self.opening.len()
    }

    /// The expiry of an entry inserted now, or `None` when it must not be cached: a stale
    /// generation, or a TTL too large to add to `now` (cannot pass validation; checked
    /// anyway, since an overflow would panic).
    fn admit(&mut self, now: Instant, generation: u64) -> Option<Instant> {
        if generation != self.generation {
            return None;
        }
        self.sweep_if_due(now);
        now.checked_add(self.ttl)
    }

    /// Drops expired entries, at most once per TTL/2.
    fn sweep_if_due(&mut self, now: Instant) {
        if now < self.next_sweep {
            return;
        }
        self.sealing.retain(|_, entry| entry.expires > now);
        self.opening.retain(|_, (_, entry)| entry.expires > now);
        self.next_sweep = now.checked_add(self.ttl / 2).unwrap_or(now);
    }

    /// Makes space for `needed` more entries (at most 2, which the capacity always allows).
    fn make_room(&mut self, needed: usize, now: Instant) {
        if self.len() + needed <= self.capacity {
            return;
        }
        self.sealing.retain(|_, entry| entry.expires > now);
        self.opening.retain(|_, (_, entry)| entry.expires > now);
        while self.len() + needed > self.capacity && self.evict_oldest() {}
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

    const TTL: Duration = Duration::from_secs(10);

    fn key(n: u8) -> Arc<FieldKey> {
        Arc::new(FieldKey::new(&[n; 32], &format!("vault:v1:key{n}")).unwrap())
    }

    fn cache(capacity: usize) -> (KeyCache, Instant) {
        let now = Instant::now();
        (KeyCache::new(TTL, capacity, now), now)
    }

    #[test]
    fn entries_expire_after_the_ttl() {
        let (mut cache, now) = cache(100);
        let tenant = TenantId::generate();
        cache.insert_sealing(tenant, key(1), now, 0);

        assert!(cache.sealing_key(&tenant, now + Duration::from_secs(9)).is_some());
        assert!(cache.opening_key(&tenant, "vault:v1:key1", now + Duration::from_secs(9)).is_some());
        assert!(cache.sealing_key(&tenant, now + Duration::from_secs(10)).is_none());
        assert!(cache.opening_key(&tenant, "vault:v1:key1", now + Duration::from_secs(10)).is_none());
        assert_eq!(cache.len(), 0, "expired entries are dropped when seen");
    }

    #[test]
    fn a_wrapped_key_cached_for_one_tenant_is_a_miss_for_another() {
        let (mut cache, now) = cache(100);
        cache.insert_opening(TenantId::generate(), key(1), now, 0);

        assert!(cache.opening_key(&TenantId::generate(), "vault:v1:key1", now).is_none());
    }

    #[test]
    fn the_cache_never_exceeds_its_capacity_and_evicts_the_oldest_first() {
        let (mut cache, start) = cache(3);
        let tenant = TenantId::generate();
        for n in 0..10u8 {
            cache.insert_opening(tenant, key(n), start + Duration::from_millis(u64::from(n) * 100), 0);
            assert!(cache.len() <= 3, "after {n}: {}", cache.len());
        }

        let now = start + Duration::from_secs(1);
        assert!(cache.opening_key(&tenant, "vault:v1:key9", now).is_some());
        assert!(cache.opening_key(&tenant, "vault:v1:key7", now).is_some());
        assert!(cache.opening_key(&tenant, "vault:v1:key6", now).is_none());
    }

    #[test]
    fn a_new_sealing_key_and_its_opening_twin_both_stay_in_a_full_or_tiny_cache() {
        // Capacity 1 is raised to 2; capacity 2 full of entries as young as the new one
        // (equal expiry: the tie that used to evict the sealing entry just inserted).
        for (capacity, filled) in [(1, 0u8), (2, 0), (2, 2), (3, 3)] {
            // Arrange
            let (mut cache, now) = cache(capacity);
            let tenant = TenantId::generate();
            for n in 0..filled {
                cache.insert_opening(TenantId::generate(), key(100 + n), now, 0);
            }

            // Act
            cache.insert_sealing(tenant, key(1), now, 0);

            // Assert
            let context = format!("capacity {capacity}, {filled} entries before");
            assert!(cache.sealing_key(&tenant, now).is_some(), "{context}: sealing entry evicted");
            assert!(cache.opening_key(&tenant, "vault:v1:key1", now).is_some(), "{context}: opening entry evicted");
            assert!(cache.len() <= capacity.max(2), "{context}: {} entries", cache.len());
        }
    }

    #[test]
    fn expired_keys_are_swept_and_wiped_without_being_looked_up_again() {
        // Arrange: a tenant shredded (or idle) after one use; the other keeps working.
        let (mut cache, start) = cache(100);
        let (gone, active) = (TenantId::generate(), TenantId::generate());
        let gone_key = key(1);
        cache.insert_sealing(gone, Arc::clone(&gone_key), start, 0);

        // Act: the other tenant's traffic after the first key expired.
        let later = start + TTL + Duration::from_secs(1);
        cache.insert_sealing(active, key(2), later, 0);

        // Assert
        assert_eq!(cache.len(), 2, "only the active tenant's two entries remain");
        assert_eq!(Arc::strong_count(&gone_key), 1, "the cache let go of the expired key, so it is wiped");
    }

    #[test]
    fn forgetting_a_tenant_drops_all_its_keys_and_only_its_keys() {
        // Arrange: a current data key and an older one still being read, plus another tenant.
        let (mut cache, now) = cache(100);
        let (offboarded, other) = (TenantId::generate(), TenantId::generate());
        let (current, older) = (key(1), key(2));
        cache.insert_sealing(offboarded, Arc::clone(&current), now, 0);
        cache.insert_opening(offboarded, Arc::clone(&older), now, 0);
        cache.insert_sealing(other, key(3), now, 0);
        let in_flight = cache.generation();

        // Act
        cache.forget_tenant(&offboarded);
        // A data key request that was in flight for the tenant completes afterwards.
        cache.insert_sealing(offboarded, key(4), now, in_flight);

        // Assert
        assert!(cache.sealing_key(&offboarded, now).is_none());
        assert!(cache.opening_key(&offboarded, "vault:v1:key1", now).is_none());
        assert!(cache.opening_key(&offboarded, "vault:v1:key2", now).is_none());
        assert_eq!(Arc::strong_count(&current), 1, "wiped once no operation uses it");
        assert_eq!(Arc::strong_count(&older), 1);
        assert!(cache.sealing_key(&other, now).is_some());
        assert!(cache.opening_key(&other, "vault:v1:key3", now).is_some());
        assert_eq!(cache.len(), 2);
    }
}
