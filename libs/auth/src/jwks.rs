//! The JWK Set identity publishes at `{issuer}/oauth2/jwks` ([`JwkSet`], shared by both
//! sides so they cannot drift) and the verifier's view of it ([`KeySet`]), fetched over HTTP.
//!
//! Only P-256 signature keys for ES256 are kept; anything else in the set is skipped, so a
//! key of another type can never be selected by a token's `kid`. Key material is checked for
//! shape here and for being a curve point by ring at verification (an invalid point simply
//! verifies nothing).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::error::JwksError;

/// A JWKS document larger than this is refused: a few dozen keys fit in a few KiB.
const MAX_JWKS_BYTES: usize = 64 * 1024;

/// A JWK Set (RFC 7517 §5).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JwkSet {
    pub keys: Vec<Jwk>,
}

/// One public key. identity publishes `kty: EC, crv: P-256, alg: ES256, use: sig` keys with
/// base64url `x` and `y`; other fields are tolerated when reading and skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwk {
    pub kty: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crv: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    #[serde(default, rename = "use", skip_serializing_if = "Option::is_none")]
    pub use_: Option<String>,
}

impl Jwk {
    /// An ES256 signature key from the affine coordinates of a P-256 point (32 bytes each).
    pub fn es256(kid: impl Into<String>, x: &[u8], y: &[u8]) -> Self {
        Self {
            kty: "EC".to_owned(),
            crv: Some("P-256".to_owned()),
            x: Some(URL_SAFE_NO_PAD.encode(x)),
            y: Some(URL_SAFE_NO_PAD.encode(y)),
            kid: Some(kid.into()),
            alg: Some("ES256".to_owned()),
            use_: Some("sig".to_owned()),
        }
    }

    /// The uncompressed SEC1 point `04 || x || y` if this is a usable ES256 key.
    fn es256_point(&self) -> Option<Vec<u8>> {
        let is_es256 = self.kty == "EC"
            && self.crv.as_deref() == Some("P-256")
            && self.alg.as_deref().is_none_or(|alg| alg == "ES256")
            && self.use_.as_deref().is_none_or(|use_| use_ == "sig");
        if !is_es256 {
            return None;
        }
        let x = URL_SAFE_NO_PAD.decode(self.x.as_deref()?).ok()?;
        let y = URL_SAFE_NO_PAD.decode(self.y.as_deref()?).ok()?;
        if x.len() != 32 || y.len() != 32 {
            return None;
        }
        let mut point = Vec::with_capacity(65);
        point.push(0x04);
        point.extend_from_slice(&x);
        point.extend_from_slice(&y);
        Some(point)
    }
}

/// The ES256 keys of one JWKS fetch, by `kid`, and when they were fetched.
#[derive(Debug, Default)]
pub(crate) struct KeySet {
    keys: HashMap<String, Arc<[u8]>>,
    /// `None` until the first successful fetch.
    pub(crate) fetched_at: Option<Instant>,
}

impl KeySet {
    pub(crate) fn from_jwks(jwks: &JwkSet, fetched_at: Instant) -> Self {
        let keys = jwks.keys.iter().filter_map(|jwk| Some((jwk.kid.clone()?, Arc::from(jwk.es256_point()?)))).collect();
        Self { keys, fetched_at: Some(fetched_at) }
    }

    /// The uncompressed public point of `kid`.
    pub(crate) fn get(&self, kid: &str) -> Option<Arc<[u8]>> {
        self.keys.get(kid).cloned()
    }

    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }
}

/// GETs and parses the JWKS at `url`, refusing oversized bodies.
pub(crate) async fn fetch(client: &reqwest::Client, url: &str) -> Result<JwkSet, JwksError> {
    let mut response = client.get(url).send().await.map_err(JwksError::Http)?;
    if !response.status().is_success() {
        return Err(JwksError::Status(response.status().as_u16()));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(JwksError::Http)? {
        if body.len() + chunk.len() > MAX_JWKS_BYTES {
            return Err(JwksError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    serde_json::from_slice(&body).map_err(JwksError::Parse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_es256_signature_keys_are_kept() {
        let good = Jwk::es256("v1", &[1; 32], &[2; 32]);
        let wrong_alg = Jwk { alg: Some("ES384".into()), kid: Some("v2".into()), ..good.clone() };
        let enc = Jwk { use_: Some("enc".into()), kid: Some("v3".into()), ..good.clone() };
        let rsa = Jwk { kty: "RSA".into(), kid: Some("v4".into()), ..good.clone() };
        let short = Jwk { x: Some(URL_SAFE_NO_PAD.encode([1; 31])), kid: Some("v5".into()), ..good.clone() };
        let no_kid = Jwk { kid: None, ..good.clone() };
        let set = KeySet::from_jwks(&JwkSet { keys: vec![good, wrong_alg, enc, rsa, short, no_kid] }, Instant::now());
        assert_eq!(set.len(), 1);
        assert!(set.get("v1").is_some_and(|point| point.len() == 65 && point.first() == Some(&4)));
    }

    #[test]
    fn jwk_serialises_use_under_its_json_name() {
        let json = serde_json::to_value(Jwk::es256("v1", &[1; 32], &[2; 32])).unwrap();
        assert_eq!(json["use"], "sig");
        assert_eq!(json["crv"], "P-256");
    }
}
