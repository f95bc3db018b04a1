//! [`Verifier`]: turns a bearer token into a [`Principal`], or refuses it.
//!
//! Two steps, kept apart so each can be tested and reasoned about alone:
//! [`Verifier::verify`] is signature and claims (cached keys, no I/O on the warm path), and
//! [`check_revocation`] asks Redis whether the session was revoked. [`Verifier::authenticate`]
//! runs both; request handlers go through the axum extractor, which calls it.
//!
//! Every request of a session carries the same access token, so `verify` remembers tokens it
//! verified ([`TokenCache`], keyed by their SHA-256, `token_cache_capacity` entries). A hit
//! skips parsing, the signature and the claims checks, and still refuses the token:
//! - once `exp` (with the same leeway) has passed: the cached expiry is checked on every hit;
//! - once the key it was verified with is no longer published under its `kid`: a hit asks
//!   the key cache for that `kid` and compares the public point. That lookup is also what
//!   refreshes the JWKS when it is older than the refresh interval, so a withdrawn key stops
//!   being accepted within that interval, exactly as for a token seen for the first time.
//!   Rejected: clearing the cache when the key set changes, because a service serving only
//!   hits would then never look at the key set, hence never refresh it.
//!
//! Revocation is never cached: `authenticate` asks Redis on every call, hit or not.
//! Revocation fails closed: if Redis cannot answer, the token is refused as "unavailable",
//! never accepted, because a revoked session must not come back during a Redis outage.

use std::sync::Arc;

use redis::aio::ConnectionLike;

use crate::claims::{AccessClaims, REVOKED_SESSION_PREFIX};
use crate::config::VerifierConfig;
use crate::error::{AuthError, InvalidToken, Unavailable};
use crate::jws::UnverifiedToken;
use crate::key_cache::KeyCache;
use crate::principal::Principal;
use crate::token_cache::{Entry, TokenCache, TokenDigest};

/// Verifies access tokens against identity's JWKS. Cheap to clone (one `Arc`).
#[derive(Clone)]
pub struct Verifier {
    inner: Arc<Inner>,
}

struct Inner {
    issuer: String,
    audience: String,
    leeway_secs: i64,
    keys: KeyCache,
    verified: TokenCache,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier").field("issuer", &self.inner.issuer).field("audience", &self.inner.audience).finish()
    }
}

impl Verifier {
    /// Builds the verifier; fetches nothing yet (the first token does), so a service starts
    /// even while identity is down.
    pub fn new(config: &VerifierConfig) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .timeout(config.http_timeout())
            .connect_timeout(config.http_timeout())
            // The JWKS URL is configuration; a redirect would let someone else choose keys.
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let keys = KeyCache::new(config.jwks_url(), client, config.refresh_interval(), config.min_refetch_interval());
        let leeway_secs = i64::try_from(config.leeway_secs).unwrap_or(i64::MAX);
        let verified = TokenCache::new(config.token_cache_capacity);
        let inner =
            Inner { issuer: config.issuer.clone(), audience: config.audience.clone(), leeway_secs, keys, verified };
        Ok(Self { inner: Arc::new(inner) })
    }

    /// Signature and claims; no revocation check (see [`Verifier::authenticate`]).
    pub async fn verify(&self, token: &str) -> Result<Principal, AuthError> {
        let digest = self.inner.verified.digest(token);
        if let Some(digest) = &digest
            && let Some(entry) = self.inner.verified.get(digest)
            && let Some(outcome) = self.accept_cached(digest, &entry).await
        {
            return outcome;
        }
        let token = UnverifiedToken::parse(token)?;
        let key = self.inner.keys.key(&token.kid).await?;
        let kid = token.kid.clone();
        let claims = token.verify(&key)?;
        let now = chrono::Utc::now().timestamp();
        self.check_claims(&claims, now)?;
        let exp = claims.exp;
        let principal = Principal::from_claims(claims)?;
        if let Some(digest) = digest {
            let entry = Entry { principal: principal.clone(), exp, kid, key };
            self.inner.verified.insert(digest, entry, now.saturating_sub(self.inner.leeway_secs));
        }
        Ok(principal)
    }

    /// The outcome for a cached token, or `None` to verify it afresh (its `kid` now names
    /// another key: the signature decides). A refused entry is dropped from the cache.
    async fn accept_cached(&self, digest: &TokenDigest, entry: &Entry) -> Option<Result<Principal, AuthError>> {
        let now = chrono::Utc::now().timestamp();
        if entry.exp <= now.saturating_sub(self.inner.leeway_secs) {
            self.inner.verified.remove(digest);
            return Some(Err(AuthError::Expired));
        }
        match self.inner.keys.key(&entry.kid).await {
            Ok(key) if key == entry.key => Some(Ok(entry.principal.clone())),
            Ok(_) => {
                self.inner.verified.remove(digest);
                None
            }
            Err(err) => {
                self.inner.verified.remove(digest);
                Some(Err(err))
            }
        }
    }

    /// How many verified tokens are cached (a gauge for operators; bounded by
    /// `token_cache_capacity`).
    pub fn cached_tokens(&self) -> usize {
        self.inner.verified.len()
    }

    /// [`Verifier::verify`], then [`check_revocation`]: what a request handler needs.
    pub async fn authenticate<C: ConnectionLike + Send>(
        &self,
        token: &str,
        redis: &mut C,
    ) -> Result<Principal, AuthError> {
        let principal = self.verify(token).await?;
        check_revocation(redis, &principal).await?;
        Ok(principal)
    }

    /// [`Verifier::authenticate`], reading one more Redis key in the revocation check's round
    /// trip: `key` names it from the verified principal (records reads the practice's
    /// care-team stamp this way), and its value is `None` when the key is absent. A `key` of
    /// `None` reads nothing more.
    pub async fn authenticate_and_get<C: ConnectionLike + Send>(
        &self,
        token: &str,
        redis: &mut C,
        key: impl FnOnce(&Principal) -> Option<String>,
    ) -> Result<(Principal, Option<String>), AuthError> {
        let principal = self.verify(token).await?;
        let Some(key) = key(&principal) else {
            check_revocation(redis, &principal).await?;
            return Ok((principal, None));
        };
        let (revoked, value): (bool, Option<String>) = redis::pipe()
            .cmd("EXISTS")
            .arg(revoked_key(&principal))
            .cmd("GET")
            .arg(key)
            .query_async(redis)
            .await
            .map_err(|err| AuthError::Unavailable(Unavailable::Redis(err)))?;
        if revoked { Err(AuthError::Revoked) } else { Ok((principal, value)) }
    }

    fn check_claims(&self, claims: &AccessClaims, now: i64) -> Result<(), AuthError> {
        let leeway = self.inner.leeway_secs;
        if claims.iss != self.inner.issuer {
            return Err(AuthError::invalid(InvalidToken::WrongIssuer));
        }
        if claims.aud != self.inner.audience {
            return Err(AuthError::invalid(InvalidToken::WrongAudience));
        }
        if claims.iat > now.saturating_add(leeway) || claims.iat > claims.exp {
            return Err(AuthError::invalid(InvalidToken::IssuedInFuture));
        }
        if claims.exp <= now.saturating_sub(leeway) {
            return Err(AuthError::Expired);
        }
        Ok(())
    }
}

/// The Redis key listing `principal`'s session as revoked.
fn revoked_key(principal: &Principal) -> String {
    format!("{REVOKED_SESSION_PREFIX}{}", principal.session())
}

/// Refuses the token if its session is listed as revoked in Redis; fails closed.
pub async fn check_revocation<C: ConnectionLike + Send>(redis: &mut C, principal: &Principal) -> Result<(), AuthError> {
    let revoked: bool = redis::cmd("EXISTS")
        .arg(revoked_key(principal))
        .query_async(redis)
        .await
        .map_err(|err| AuthError::Unavailable(Unavailable::Redis(err)))?;
    if revoked { Err(AuthError::Revoked) } else { Ok(()) }
}
