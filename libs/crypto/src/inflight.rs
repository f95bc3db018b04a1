//! [`Inflight`]: concurrent cache misses for one key share one fetch and its outcome.
//!
//! Each key in flight has a slot, a `tokio::sync::OnceCell` holding the fetch's result,
//! success or failure. The first caller runs the fetch; everyone who arrives meanwhile waits
//! on the cell and gets a clone of the same result. So when Vault hangs, N callers wait one
//! timeout, not the k-th caller k timeouts, and a failing Vault sees one call, not N.
//!
//! A slot lives only while its fetch does: it is removed as soon as a result is in (the next
//! miss, e.g. after a failure, asks Vault again; nothing negative is remembered) or when the
//! last caller waiting on it is cancelled (request timeout, client gone). If the caller
//! running the fetch is cancelled while others wait, `OnceCell` hands the fetch to one of
//! them.
//!
//! Not here: what is fetched and whether it is cached afterwards ([`crate::Keyring`]).

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::OnceCell;

type Slot<V> = Arc<OnceCell<V>>;

pub(crate) struct Inflight<K, V> {
    slots: Mutex<HashMap<K, Slot<V>>>,
}

impl<K: Eq + Hash, V> Inflight<K, V> {
    fn slots(&self) -> MutexGuard<'_, HashMap<K, Slot<V>>> {
        // Every update is a single insert or remove: a panic elsewhere cannot leave the map
        // inconsistent, so a poisoned lock is still usable.
        self.slots.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<K: Eq + Hash + Clone, V: Clone> Inflight<K, V> {
    pub(crate) fn new() -> Self {
        Self { slots: Mutex::new(HashMap::new()) }
    }

    /// `fetch`'s result for `key`, running it only if no fetch for `key` is in flight.
    pub(crate) async fn run<F, Fut>(&self, key: K, fetch: F) -> V
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = V>,
    {
        let slot = Arc::clone(self.slots().entry(key.clone()).or_default());
        // Dropped when this returns or is cancelled; it removes the slot when done with.
        let waiter = Waiter { inflight: self, key, slot: Some(slot) };
        match &waiter.slot {
            Some(slot) => slot.get_or_init(fetch).await.clone(),
            // Never: `slot` is only taken in `drop`. Uncoalesced is still correct.
            None => fetch().await,
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.slots().len()
    }
}

/// One caller's hold on a slot; removes the slot from the map once it has a result or its
/// last waiter is gone.
struct Waiter<'a, K: Eq + Hash, V> {
    inflight: &'a Inflight<K, V>,
    key: K,
    /// `Some` until dropped; released under the map lock, so the reference count read there
    /// is exact even when several waiters are cancelled at once.
    slot: Option<Slot<V>>,
}

impl<K: Eq + Hash, V> Drop for Waiter<'_, K, V> {
    fn drop(&mut self) {
        let Some(slot) = self.slot.take() else { return };
        let mut slots = self.inflight.slots();
        let ours = slots.get(&self.key).is_some_and(|s| Arc::ptr_eq(s, &slot));
        // Done when it holds a result, or abandoned when only the map and we hold it.
        if ours && (slot.initialized() || Arc::strong_count(&slot) <= 2) {
            slots.remove(&self.key);
        }
        // Released under the lock, so the next waiter's count above is exact.
        drop(slot);
        drop(slots);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::Duration;

    use super::*;

    type Outcome = Result<u32, String>;

    #[tokio::test]
    async fn concurrent_callers_share_one_fetch_and_its_failure() {
        // Arrange
        let inflight = Inflight::<u8, Outcome>::new();
        let fetches = AtomicU32::new(0);
        let failing = || async {
            fetches.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(20)).await;
            Err("vault down".to_owned())
        };

        // Act
        let results =
            tokio::join!(inflight.run(1, failing), inflight.run(1, failing), inflight.run(1, failing), async {
                tokio::time::sleep(Duration::from_millis(5)).await;
                inflight.run(1, failing).await
            });

        // Assert
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
        let all = [results.0, results.1, results.2, results.3];
        assert!(all.iter().all(|r| r.as_ref().err().is_some_and(|e| e == "vault down")), "{all:?}");
        assert_eq!(inflight.len(), 0, "a finished fetch leaves no slot");
    }

    #[tokio::test]
    async fn a_failure_is_not_remembered_and_other_keys_fetch_separately() {
        let inflight = Inflight::<u8, Outcome>::new();

        let first = inflight.run(1, || async { Err("vault down".to_owned()) }).await;
        let (again, other) = tokio::join!(inflight.run(1, || async { Ok(1) }), inflight.run(2, || async { Ok(2) }));

        assert!(first.is_err());
        assert_eq!((again, other), (Ok(1), Ok(2)));
    }

    #[tokio::test]
    async fn a_cancelled_caller_leaves_no_slot_and_hands_the_fetch_to_a_waiter() {
        // Arrange: Vault hangs for the first caller, who gives up (a request timeout).
        let inflight = Inflight::<u8, Outcome>::new();
        let hanging = || std::future::pending::<Outcome>();

        // Act
        let alone = tokio::time::timeout(Duration::from_millis(10), inflight.run(1, hanging)).await;
        let slots_after_alone = inflight.len();
        let (gave_up, waited) = tokio::join!(
            tokio::time::timeout(Duration::from_millis(10), inflight.run(2, hanging)),
            inflight.run(2, || async { Ok(7) })
        );

        // Assert
        assert!(alone.is_err() && gave_up.is_err());
        assert_eq!(slots_after_alone, 0, "an abandoned slot is removed");
        assert_eq!(waited, Ok(7), "the waiter ran its own fetch once the first caller left");
        assert_eq!(inflight.len(), 0);
    }
}
