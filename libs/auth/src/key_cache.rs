//! [`KeyCache`]: identity's public keys in memory, refreshed lazily.
//!
//! Verification reads a snapshot (`Arc<KeySet>`) under a lock held for a pointer copy, so
//! the warm path never waits on I/O. A fetch happens when a token names an unknown `kid`
//! (identity rotated its key) or when the snapshot is older than the refresh interval.
//! Fetches are single-flight (a tokio mutex; concurrent misses wait for one fetch and share
//! its result) and rate-limited (at most one per `min_refetch_interval`), so a flood of
//! tokens with made-up `kid`s costs identity one request per interval.
//!
//! A successful refresh replaces the key set: a `kid` it no longer lists is refused from
//! then on, including by the request whose lookup triggered the refresh.
//! A failed refresh keeps the previous keys: an identity outage must not log everybody out
//! while their tokens are still valid. It does not bound how long such stale keys are used;
//! identity's refresh interval and token lifetime do.

use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use crate::error::{AuthError, InvalidToken, JwksError, Unavailable};
use crate::jwks::{self, KeySet};

pub(crate) struct KeyCache {
    url: String,
    client: reqwest::Client,
    refresh_interval: Duration,
    min_refetch_interval: Duration,
    current: RwLock<Arc<KeySet>>,
    /// Held for the duration of a fetch; holds the last attempt.
    fetching: tokio::sync::Mutex<Option<Attempt>>,
}

#[derive(Clone, Copy)]
struct Attempt {
    at: Instant,
    succeeded: bool,
}

impl KeyCache {
    pub(crate) fn new(
        url: String,
        client: reqwest::Client,
        refresh_interval: Duration,
        min_refetch_interval: Duration,
    ) -> Self {
        Self {
            url,
            client,
            refresh_interval,
            min_refetch_interval,
            current: RwLock::new(Arc::new(KeySet::default())),
            fetching: tokio::sync::Mutex::new(None),
        }
    }

    fn snapshot(&self) -> Arc<KeySet> {
        // A poisoned lock still holds a consistent Arc: writers only swap the pointer.
        Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }

    fn is_fresh(&self, keys: &KeySet) -> bool {
        keys.fetched_at.is_some_and(|at| at.elapsed() < self.refresh_interval)
    }

    /// The public point of `kid`, fetching the JWKS if needed.
    pub(crate) async fn key(&self, kid: &str) -> Result<Arc<[u8]>, AuthError> {
        let seen = self.snapshot();
        if let Some(key) = seen.get(kid) {
            if self.is_fresh(&seen) {
                return Ok(key);
            }
            // Stale but known: refresh unless another task already is; never wait for it.
            if let Ok(mut last) = self.fetching.try_lock() {
                let _ = self.fetch_locked(&mut last, &seen).await;
            }
            // A newer key set is authoritative: a kid it lacks was withdrawn. Only while no
            // refresh has succeeded (identity down, or one in flight) do the old keys stand.
            let current = self.snapshot();
            if Arc::ptr_eq(&current, &seen) {
                return Ok(key);
            }
            return current.get(kid).ok_or(AuthError::invalid(InvalidToken::UnknownKey));
        }
        let mut last = self.fetching.lock().await;
        let outcome = self.fetch_locked(&mut last, &seen).await;
        drop(last);
        match (self.snapshot().get(kid), outcome) {
            (Some(key), _) => Ok(key),
            (None, Err(err)) => Err(AuthError::Unavailable(Unavailable::Jwks(err))),
            (None, Ok(())) => Err(AuthError::invalid(InvalidToken::UnknownKey)),
        }
    }

    /// Fetches unless the keys changed since `seen` (another task fetched while we waited)
    /// or the last attempt was too recent. The caller holds the fetch lock (`last`).
    /// A rate-limited caller learns whether that recent attempt failed, so an identity outage
    /// reads as "unavailable" rather than as an unknown key.
    async fn fetch_locked(&self, last: &mut Option<Attempt>, seen: &Arc<KeySet>) -> Result<(), JwksError> {
        if !Arc::ptr_eq(seen, &self.snapshot()) {
            return Ok(());
        }
        if let Some(attempt) = last.filter(|attempt| attempt.at.elapsed() < self.min_refetch_interval) {
            return if attempt.succeeded { Ok(()) } else { Err(JwksError::RecentlyFailed) };
        }
        let outcome = jwks::fetch(&self.client, &self.url).await;
        *last = Some(Attempt { at: Instant::now(), succeeded: outcome.is_ok() });
        match outcome {
            Ok(jwks) => {
                let keys = KeySet::from_jwks(&jwks, Instant::now());
                tracing::info!(keys = keys.len(), "fetched the JWKS");
                *self.current.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(keys);
                Ok(())
            }
            Err(err) => {
                tracing::warn!(error = %tp_errors::error_chain(&err), "JWKS fetch failed");
                Err(err)
            }
        }
    }
}
