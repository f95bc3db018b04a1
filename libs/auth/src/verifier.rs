//! [`Verifier`]: turns a bearer token into a [`Principal`], or refuses it.
//!
//! Two steps, kept apart so each can be tested and reasoned about alone:
//! [`Verifier::verify`] is signature and claims (cached keys, no I/O on the warm path), and
//! [`check_revocation`] asks Redis whether the session was revoked. [`Verifier::authenticate`]
//! runs both; request handlers go through the axum extractor, which calls it.
//!
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
        let inner = Inner { issuer: config.issuer.clone(), audience: config.audience.clone(), leeway_secs, keys };
        Ok(Self { inner: Arc::new(inner) })
    }

    /// Signature and claims; no revocation check (see [`Verifier::authenticate`]).
    pub async fn verify(&self, token: &str) -> Result<Principal, AuthError> {
        let token = UnverifiedToken::parse(token)?;
        let key = self.inner.keys.key(&token.kid).await?;
        let claims = token.verify(&key)?;
        self.check_claims(&claims, chrono::Utc::now().timestamp())?;
        Principal::from_claims(claims)
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

/// Refuses the token if its session is listed as revoked in Redis; fails closed.
pub async fn check_revocation<C: ConnectionLike + Send>(redis: &mut C, principal: &Principal) -> Result<(), AuthError> {
    let key = format!("{REVOKED_SESSION_PREFIX}{}", principal.session());
    let revoked: bool = redis::cmd("EXISTS")
        .arg(&key)
        .query_async(redis)
        .await
        .map_err(|err| AuthError::Unavailable(Unavailable::Redis(err)))?;
    if revoked { Err(AuthError::Revoked) } else { Ok(()) }
}
