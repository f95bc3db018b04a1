//! [`Signer`]: identity's token signatures, made by Vault transit (ECDSA P-256, JWS ES256)
//! so the private keys never leave Vault, and the JWKS that publishes the public halves.
//!
//! Key versions are read from Vault and cached for [`KEYS_MAX_AGE`]: a signature names its
//! version (`kid` = `<key>-v<N>`) in the header it signs, so the version must be known before
//! the Vault call. Another replica may rotate meanwhile; that is why an old version stays in
//! the JWKS for the longest token lifetime *plus* that cache age after its successor appears.
//!
//! Not here: what the tokens say (`oauth::tokens`) and verifying access tokens (`tp_auth`,
//! against the JWKS published from here).

use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use anyhow::{Context as _, anyhow};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use p256::ecdsa::VerifyingKey;
use p256::elliptic_curve::sec1::ToEncodedPoint as _;
use p256::pkcs8::DecodePublicKey as _;
use serde::Serialize;
use tp_vault::{SigningKeyType, Vault};

use crate::error::Error;

/// How long a replica trusts the key versions it read before reading them again.
pub const KEYS_MAX_AGE: Duration = Duration::from_secs(60);
/// An unknown `kid` makes the verifier re-read the keys at most this often, so forged kids
/// cannot turn into a flood of Vault calls.
const UNKNOWN_KID_REFRESH: Duration = Duration::from_secs(5);

/// The `typ` header of a token: RFC 9068 access tokens, or OpenID Connect ID tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenType {
    Access,
    Id,
}

impl TokenType {
    pub const fn typ(self) -> &'static str {
        match self {
            TokenType::Access => "at+jwt",
            TokenType::Id => "JWT",
        }
    }
}

/// Signs tokens with the transit key `identity.signing_key`. Clones share one key cache.
#[derive(Clone)]
pub struct Signer {
    inner: Arc<Inner>,
}

struct Inner {
    vault: Vault,
    key: String,
    /// How long a version stays published after its successor was created.
    retention: Duration,
    keys: RwLock<Arc<KeySet>>,
    /// One refresh at a time; the others wait and reuse its result.
    refreshing: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer").field("key", &self.inner.key).finish_non_exhaustive()
    }
}

/// The published versions of the signing key, newest first, as read at `fetched_at`.
pub struct KeySet {
    current: u64,
    fetched_at: Instant,
    keys: Vec<PublishedKey>,
}

struct PublishedKey {
    kid: String,
    verifying_key: VerifyingKey,
    jwk: Jwk,
}

/// One public key as JWKS lists it (RFC 7517/7518: EC P-256).
#[derive(Debug, Clone, Serialize)]
pub struct Jwk {
    kty: &'static str,
    crv: &'static str,
    x: String,
    y: String,
    kid: String,
    alg: &'static str,
    #[serde(rename = "use")]
    use_: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Jwks {
    keys: Vec<Jwk>,
}

impl Signer {
    /// Creates the key if missing (ECDSA P-256) and reads its versions. `max_token_ttl` is
    /// the longest lifetime of a token it signs (access or ID token).
    pub async fn init(vault: Vault, key: &str, max_token_ttl: Duration) -> Result<Self, Error> {
        vault.create_signing_key(key, SigningKeyType::EcdsaP256).await?;
        let retention = max_token_ttl + KEYS_MAX_AGE;
        let keys = load(&vault, key, retention).await?;
        let inner = Inner {
            vault,
            key: key.to_owned(),
            retention,
            keys: RwLock::new(Arc::new(keys)),
            refreshing: tokio::sync::Mutex::new(()),
        };
        Ok(Self { inner: Arc::new(inner) })
    }

    /// `claims` as a JWS compact token: header `{alg: ES256, typ, kid}`, signed by Vault.
    pub async fn sign(&self, typ: TokenType, claims: &impl Serialize) -> Result<String, Error> {
        let keys = self.keys_younger_than(KEYS_MAX_AGE).await?;
        let header = serde_json::json!({ "alg": "ES256", "typ": typ.typ(), "kid": kid(&self.inner.key, keys.current) });
        let header = serde_json::to_vec(&header).context("serialise JWS header")?;
        let claims = serde_json::to_vec(claims).context("serialise claims")?;
        let signing_input = format!("{}.{}", URL_SAFE_NO_PAD.encode(header), URL_SAFE_NO_PAD.encode(claims));
        let (version, signature) =
            self.inner.vault.sign_jws(&self.inner.key, Some(keys.current), signing_input.as_bytes()).await?;
        if version != keys.current || signature.len() != 64 {
            return Err(Error::Internal(anyhow!("transit signed with another version or format than asked")));
        }
        Ok(format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature)))
    }

    /// The JWKS document: every version that may still have live tokens.
    pub async fn jwks(&self) -> Result<Jwks, Error> {
        let keys = self.keys_younger_than(KEYS_MAX_AGE).await?;
        Ok(Jwks { keys: keys.keys.iter().map(|k| k.jwk.clone()).collect() })
    }

    /// The public key `kid` names, if it is published; re-reads the keys once (rate
    /// limited) when the kid is unknown, since another replica may have rotated.
    pub async fn verifying_key(&self, kid: &str) -> Result<Option<VerifyingKey>, Error> {
        let find = |keys: &KeySet| keys.keys.iter().find(|k| k.kid == kid).map(|k| k.verifying_key);
        let keys = self.keys_younger_than(KEYS_MAX_AGE).await?;
        if let Some(found) = find(&keys) {
            return Ok(Some(found));
        }
        Ok(find(&*self.keys_younger_than(UNKNOWN_KID_REFRESH).await?))
    }

    /// Adds a key version and signs with it from now on; the previous one stays published
    /// until the tokens it signed have expired.
    pub async fn rotate(&self) -> Result<(), Error> {
        self.inner.vault.rotate_key(&self.inner.key).await?;
        self.keys_younger_than(Duration::ZERO).await.map(|_| ())
    }

    fn cached(&self) -> Arc<KeySet> {
        Arc::clone(&self.inner.keys.read().unwrap_or_else(PoisonError::into_inner))
    }

    async fn keys_younger_than(&self, max_age: Duration) -> Result<Arc<KeySet>, Error> {
        let cached = self.cached();
        if cached.fetched_at.elapsed() < max_age {
            return Ok(cached);
        }
        let asked_at = Instant::now();
        let _one_at_a_time = self.inner.refreshing.lock().await;
        let cached = self.cached();
        // Another caller refreshed while we waited: its result is as fresh as ours would be.
        if cached.fetched_at >= asked_at || cached.fetched_at.elapsed() < max_age {
            return Ok(cached);
        }
        let fresh = Arc::new(load(&self.inner.vault, &self.inner.key, self.inner.retention).await?);
        *self.inner.keys.write().unwrap_or_else(PoisonError::into_inner) = Arc::clone(&fresh);
        Ok(fresh)
    }
}

fn kid(key: &str, version: u64) -> String {
    format!("{key}-v{version}")
}

/// Reads the key's versions from Vault and keeps those [`live_versions`] selects.
async fn load(vault: &Vault, key: &str, retention: Duration) -> Result<KeySet, Error> {
    let versions = vault.read_public_keys(key).await?;
    let dated = versions
        .iter()
        .map(|v| {
            let created = DateTime::parse_from_rfc3339(&v.creation_time).context("transit key creation time")?;
            Ok((v.version, created.with_timezone(&Utc)))
        })
        .collect::<Result<Vec<_>, anyhow::Error>>()?;
    let live = live_versions(&dated, Utc::now(), retention);
    let current = *live.first().ok_or_else(|| anyhow!("signing key has no versions"))?;
    let keys = versions
        .iter()
        .rev()
        .filter(|v| live.contains(&v.version))
        .map(|v| published(key, v.version, &v.public_key_pem))
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(KeySet { current, fetched_at: Instant::now(), keys })
}

fn published(key: &str, version: u64, pem: &str) -> Result<PublishedKey, Error> {
    let public = p256::PublicKey::from_public_key_pem(pem).context("transit public key is not P-256 PEM")?;
    let point = public.to_encoded_point(false);
    let (x, y) = point.x().zip(point.y()).ok_or_else(|| anyhow!("P-256 point without coordinates"))?;
    let kid = kid(key, version);
    let jwk = Jwk {
        kty: "EC",
        crv: "P-256",
        x: URL_SAFE_NO_PAD.encode(x),
        y: URL_SAFE_NO_PAD.encode(y),
        kid: kid.clone(),
        alg: "ES256",
        use_: "sig",
    };
    Ok(PublishedKey { kid, verifying_key: VerifyingKey::from(&public), jwk })
}

/// Versions to publish, newest first: the latest always; an older one while the version
/// after it is younger than `retention` (tokens signed just before that rotation are alive).
fn live_versions(versions: &[(u64, DateTime<Utc>)], now: DateTime<Utc>, retention: Duration) -> Vec<u64> {
    let mut sorted = versions.to_vec();
    sorted.sort_by_key(|(version, _)| *version);
    let retention = chrono::Duration::from_std(retention).unwrap_or(chrono::Duration::MAX);
    let successors = sorted.iter().skip(1).map(Some).chain(std::iter::once(None));
    let mut live: Vec<u64> = sorted
        .iter()
        .zip(successors)
        .filter(|(_, next)| next.is_none_or(|(_, created)| *created + retention > now))
        .map(|((version, _), _)| *version)
        .collect();
    live.reverse();
    live
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_old_version_stays_published_until_its_tokens_have_expired() {
        let t0 = DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z").unwrap().with_timezone(&Utc);
        let minutes = |m| t0 + chrono::Duration::minutes(m);
        let versions = [(1, t0), (2, minutes(60)), (3, minutes(120))];
        let retention = Duration::from_secs(6 * 60);

        assert_eq!(live_versions(&versions, minutes(121), retention), [3, 2]);
        assert_eq!(live_versions(&versions, minutes(65), retention), [3, 2, 1]);
        assert_eq!(live_versions(&versions, minutes(127), retention), [3]);
        assert_eq!(live_versions(&[(1, t0)], minutes(10_000), retention), [1]);
    }
}
