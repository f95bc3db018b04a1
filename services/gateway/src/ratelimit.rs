//! Rate limits per client address and per principal: fixed one-minute windows counted in
//! Redis, so every replica shares the count. The same Redis round trip reads the token's
//! session revocation, which keeps an authenticated request at one Redis call.
//!
//! When Redis is down, an authenticated request fails closed (its revocation cannot be
//! checked); an anonymous one is counted in this process against a quarter of the limit:
//! degraded, conservative, never open.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use redis::aio::ConnectionManager;
use tp_auth::{Actor, Principal, REVOKED_SESSION_PREFIX};

use crate::config::RateLimits;

const WINDOW_SECS: u64 = 60;
/// Distinct addresses the in-process fallback remembers per window.
const FALLBACK_CAPACITY: usize = 100_000;

/// What [`RateLimiter::admit`] decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    Admitted,
    Limited {
        retry_after_secs: u64,
    },
    /// The token's session was ended: refuse the token.
    Revoked,
}

#[derive(Clone)]
pub struct RateLimiter {
    limits: RateLimits,
    fallback: Arc<Mutex<Fallback>>,
}

#[derive(Default)]
struct Fallback {
    window: u64,
    counts: HashMap<IpAddr, u64>,
}

impl RateLimiter {
    pub fn new(limits: RateLimits) -> Self {
        Self { limits, fallback: Arc::default() }
    }

    /// Counts the request against `ip` and, when authenticated, against its principal, and
    /// reads the principal's revocation in the same round trip.
    pub async fn admit(
        &self,
        redis: &mut ConnectionManager,
        ip: IpAddr,
        principal: Option<&Principal>,
    ) -> Result<Admission, redis::RedisError> {
        let now = unix_now();
        let window = now / WINDOW_SECS;
        let retry_after_secs = WINDOW_SECS - now % WINDOW_SECS;
        let ip_key = format!("rl:ip:{ip}:{window}");
        let mut pipe = redis::pipe();
        pipe.cmd("INCR").arg(&ip_key).cmd("EXPIRE").arg(&ip_key).arg(WINDOW_SECS + 1).ignore();
        if let Some(principal) = principal {
            let key = format!("rl:principal:{}:{window}", actor_key(principal.actor()));
            pipe.cmd("INCR").arg(&key).cmd("EXPIRE").arg(&key).arg(WINDOW_SECS + 1).ignore();
            pipe.cmd("EXISTS").arg(format!("{REVOKED_SESSION_PREFIX}{}", principal.session()));
        }
        let result = pipe.query_async::<Vec<u64>>(redis).await;
        let counts = match (result, principal) {
            (Ok(counts), _) => counts,
            (Err(err), Some(_)) => return Err(err),
            (Err(err), None) => {
                tracing::warn!(error = %err, "rate limits counted in process: Redis unavailable");
                return Ok(self.admit_locally(ip, window, retry_after_secs));
            }
        };
        let (ip_count, principal_count, revoked) = match counts.as_slice() {
            [ip] => (*ip, 0, false),
            [ip, principal, revoked] => (*ip, *principal, *revoked != 0),
            _ => return Err(redis::RedisError::from((redis::ErrorKind::UnexpectedReturnType, "rate limit reply"))),
        };
        Ok(if revoked {
            Admission::Revoked
        } else if ip_count > self.limits.per_ip_per_minute || principal_count > self.limits.per_principal_per_minute {
            Admission::Limited { retry_after_secs }
        } else {
            Admission::Admitted
        })
    }

    fn admit_locally(&self, ip: IpAddr, window: u64, retry_after_secs: u64) -> Admission {
        let Ok(mut fallback) = self.fallback.lock() else { return Admission::Limited { retry_after_secs } };
        if fallback.window != window || fallback.counts.len() >= FALLBACK_CAPACITY {
            fallback.window = window;
            fallback.counts.clear();
        }
        let count = fallback.counts.entry(ip).or_default();
        *count += 1;
        if *count > self.limits.per_ip_per_minute / 4 {
            Admission::Limited { retry_after_secs }
        } else {
            Admission::Admitted
        }
    }
}

fn actor_key(actor: &Actor) -> String {
    match actor {
        Actor::User(user) => format!("user:{user}"),
        Actor::Client(client) => format!("client:{client}"),
    }
}

fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_local_fallback_allows_a_quarter_of_the_limit_per_window() {
        let limiter = RateLimiter::new(RateLimits { per_ip_per_minute: 8, per_principal_per_minute: 8 });
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        let answers: Vec<Admission> = (0..3).map(|_| limiter.admit_locally(ip, 7, 30)).collect();
        assert_eq!(answers, [Admission::Admitted, Admission::Admitted, Admission::Limited { retry_after_secs: 30 }]);
        assert_eq!(limiter.admit_locally(ip, 8, 60), Admission::Admitted, "a new window starts afresh");
    }
}
