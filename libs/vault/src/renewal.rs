//! The background task that keeps an AppRole token alive.
//!
//! It wakes at about 2/3 of the token's TTL and calls [`Vault::renew_token`] (renew-self,
//! or a fresh login). Failures are retried with a capped backoff while the old token is
//! still valid, so a short Vault outage does not take the service's token with it.
//!
//! It deliberately holds only a `Weak` to the handle: the task must not keep the service's
//! Vault handle alive, and `Inner`'s `Drop` aborts it once the last clone is gone.

use std::sync::Weak;
use std::time::Duration;

use crate::client::{Inner, Vault};

const FIRST_RETRY: Duration = Duration::from_secs(2);
const MAX_RETRY: Duration = Duration::from_secs(60);

pub(crate) async fn run(handle: Weak<Inner>, first_ttl: Duration) {
    let Some(mut wait) = renew_after(first_ttl) else {
        return; // a token that never expires
    };
    let mut retry = FIRST_RETRY;
    loop {
        tokio::time::sleep(wait).await;
        let Some(inner) = handle.upgrade() else {
            return;
        };
        let vault = Vault { inner };
        match vault.renew_token().await {
            Ok(ttl) => {
                tracing::debug!(ttl_secs = ttl.as_secs(), "vault token renewed");
                retry = FIRST_RETRY;
                match renew_after(ttl) {
                    Some(next) => wait = next,
                    None => return,
                }
            }
            Err(err) => {
                tracing::warn!(code = err.code(), cause = %err.cause(), retry_secs = retry.as_secs(), "vault token upkeep failed");
                wait = retry;
                retry = (retry * 2).min(MAX_RETRY);
            }
        }
    }
}

/// When to renew a token with `ttl` left: at 2/3 of it, leaving a third for retries.
/// `None` for a zero TTL, which Vault uses for tokens that never expire.
fn renew_after(ttl: Duration) -> Option<Duration> {
    if ttl.is_zero() {
        return None;
    }
    Some((ttl * 2 / 3).max(Duration::from_secs(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renewal_is_due_at_two_thirds_of_the_ttl_and_never_for_eternal_tokens() {
        assert_eq!(renew_after(Duration::from_secs(3600)), Some(Duration::from_secs(2400)));
        assert_eq!(renew_after(Duration::from_secs(1)), Some(Duration::from_secs(1)));
        assert_eq!(renew_after(Duration::ZERO), None);
    }
}
