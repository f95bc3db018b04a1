//! A stand-in for identity's signing side: P-256 keys generated here, tokens signed with
//! them, and a real HTTP JWKS endpoint on 127.0.0.1:0 that counts its fetches.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use tp_auth::jwks::{Jwk, JwkSet};
use tp_auth::{AccessClaims, Role, Verifier, VerifierConfig};
use tp_ids::{ClientId, SessionId, TenantId, TokenId, UserId};

pub const AUDIENCE: &str = "tp-records";

#[derive(Clone, Default)]
struct Published {
    jwks: Arc<Mutex<JwkSet>>,
    fetches: Arc<AtomicUsize>,
}

pub struct TestIssuer {
    pub issuer: String,
    published: Published,
    keys: Vec<(String, SigningKey)>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for TestIssuer {
    fn drop(&mut self) {
        self.server.abort();
    }
}

pub fn generate_key() -> SigningKey {
    loop {
        // Rejection sampling: a random 32-byte string is a valid scalar almost always.
        if let Ok(key) = SigningKey::from_slice(&rand::random::<[u8; 32]>()) {
            return key;
        }
    }
}

fn jwk(kid: &str, key: &SigningKey) -> Jwk {
    let point = key.verifying_key().to_encoded_point(false);
    Jwk::es256(kid, point.x().unwrap(), point.y().unwrap())
}

async fn serve_jwks(State(published): State<Published>) -> axum::Json<JwkSet> {
    published.fetches.fetch_add(1, Ordering::SeqCst);
    axum::Json(published.jwks.lock().unwrap().clone())
}

impl TestIssuer {
    /// Serves a JWKS with one key, `v1`.
    pub async fn start() -> Self {
        tp_testkit::init();
        let published = Published::default();
        let app = Router::new().route("/oauth2/jwks", get(serve_jwks)).with_state(published.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let issuer = format!("http://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        let mut issuer = Self { issuer, published, keys: Vec::new(), server };
        issuer.add_key("v1");
        issuer
    }

    /// Generates a key and publishes it under `kid` (what a rotation in identity does).
    pub fn add_key(&mut self, kid: &str) {
        let key = generate_key();
        self.published.jwks.lock().unwrap().keys.push(jwk(kid, &key));
        self.keys.push((kid.to_owned(), key));
    }

    /// Stops publishing `kid` and forgets its private key (what identity does when it
    /// withdraws a key).
    pub fn remove_key(&mut self, kid: &str) {
        self.published.jwks.lock().unwrap().keys.retain(|jwk| jwk.kid.as_deref() != Some(kid));
        self.keys.retain(|(k, _)| k != kid);
    }

    pub fn fetches(&self) -> usize {
        self.published.fetches.load(Ordering::SeqCst)
    }

    /// Defaults, with the refetch rate limit off unless a test is about it.
    pub fn config(&self) -> VerifierConfig {
        VerifierConfig { min_refetch_interval_secs: 0, ..VerifierConfig::new(&self.issuer, AUDIENCE) }
    }

    pub fn verifier(&self) -> Verifier {
        Verifier::new(&self.config()).unwrap()
    }

    /// A clinician's claims for a fresh tenant and session, valid for five minutes.
    pub fn claims(&self) -> AccessClaims {
        let now = chrono::Utc::now().timestamp();
        AccessClaims {
            iss: self.issuer.clone(),
            sub: UserId::generate().to_string(),
            aud: AUDIENCE.to_owned(),
            exp: now + 300,
            iat: now,
            jti: TokenId::generate().to_string(),
            sid: SessionId::generate().to_string(),
            tid: Some(TenantId::generate().to_string()),
            roles: vec![Role::Clinician],
            scope: "openid records:read".to_owned(),
            client_id: ClientId::parse("practice-app").unwrap().to_string(),
        }
    }

    /// Signed with the newest key, headers as identity sets them.
    pub fn sign(&self, claims: &AccessClaims) -> String {
        let (kid, _) = self.keys.last().unwrap();
        self.sign_with(kid, claims)
    }

    pub fn sign_with(&self, kid: &str, claims: &AccessClaims) -> String {
        self.sign_value(kid, &serde_json::to_value(claims).unwrap())
    }

    /// Any JSON as claims (to drop or mistype one), signed properly with `kid`.
    pub fn sign_value(&self, kid: &str, claims: &serde_json::Value) -> String {
        let (_, key) = self.keys.iter().find(|(k, _)| k == kid).unwrap();
        let header = serde_json::json!({"alg": "ES256", "typ": "at+jwt", "kid": kid});
        sign_raw(key, &header, claims)
    }
}

/// `header.payload.signature` with any header, signed ES256 with `key`.
pub fn sign_raw(key: &SigningKey, header: &serde_json::Value, claims: &serde_json::Value) -> String {
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(header).unwrap()),
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap())
    );
    let signature: Signature = key.sign(input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
}

/// The uncompressed public point of the issuer's newest key (what an HS256 confusion attack
/// would use as the HMAC secret).
pub fn public_point(issuer: &TestIssuer) -> Vec<u8> {
    issuer.keys.last().unwrap().1.verifying_key().to_encoded_point(false).as_bytes().to_vec()
}
