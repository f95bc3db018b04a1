//! Cost of verifying a typical access token with a warm JWKS cache (target <= 50 µs), in the
//! two cases a service sees:
//! - `verify/first_seen`: a token this verifier has not verified yet (header checks, key
//!   lookup, ES256 signature, claims parsing and checks). Measured with the token cache
//!   disabled (`token_cache_capacity = 0`), so repeating one token stays on this path.
//! - `verify/cached`: the same token again, as on every further request of a session
//!   (SHA-256 of the token, cache lookup, expiry and key-still-published checks).
//!
//! The JWKS is served by a real HTTP endpoint on 127.0.0.1:0 and fetched once before
//! measuring. Revocation (Redis, every request) is not included.
//!
//! `cargo bench -p tp-auth --bench verify`

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "a benchmark that cannot set up should stop")]

use axum::Router;
use axum::routing::get;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use criterion::{Criterion, criterion_group, criterion_main};
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use tp_auth::jwks::{Jwk, JwkSet};
use tp_auth::{AccessClaims, Role, Verifier, VerifierConfig};
use tp_ids::{SessionId, TenantId, TokenId, UserId};

fn signing_key() -> SigningKey {
    loop {
        if let Ok(key) = SigningKey::from_slice(&rand::random::<[u8; 32]>()) {
            return key;
        }
    }
}

fn token(key: &SigningKey, issuer: &str) -> String {
    let now = chrono::Utc::now().timestamp();
    let claims = AccessClaims {
        iss: issuer.to_owned(),
        sub: UserId::generate().to_string(),
        aud: "tp-records".to_owned(),
        exp: now + 3600,
        iat: now,
        jti: TokenId::generate().to_string(),
        sid: SessionId::generate().to_string(),
        tid: Some(TenantId::generate().to_string()),
        roles: vec![Role::Clinician, Role::PracticeAdmin],
        scope: "openid profile records:read records:write scheduling:read".to_owned(),
        client_id: "practice-app".to_owned(),
    };
    let header = serde_json::json!({"alg": "ES256", "typ": "at+jwt", "kid": "v1"});
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&header).unwrap()),
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap())
    );
    let signature: Signature = key.sign(input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
}

fn verify(c: &mut Criterion) {
    tp_testkit::init();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let key = signing_key();
    let point = key.verifying_key().to_encoded_point(false);
    let jwks = JwkSet { keys: vec![Jwk::es256("v1", point.x().unwrap(), point.y().unwrap())] };
    let (first_seen, cached, token) = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let issuer = format!("http://{}", listener.local_addr().unwrap());
        let app = Router::new().route("/oauth2/jwks", get(move || async move { axum::Json(jwks.clone()) }));
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let config = VerifierConfig::new(&issuer, "tp-records");
        let first_seen = Verifier::new(&VerifierConfig { token_cache_capacity: 0, ..config.clone() }).unwrap();
        let cached = Verifier::new(&config).unwrap();
        let token = token(&key, &issuer);
        first_seen.verify(&token).await.expect("warm-up verification");
        cached.verify(&token).await.expect("warm-up verification");
        assert_eq!((first_seen.cached_tokens(), cached.cached_tokens()), (0, 1));
        (first_seen, cached, token)
    });
    let mut group = c.benchmark_group("verify");
    group.bench_function("first_seen", |b| {
        b.iter(|| runtime.block_on(first_seen.verify(std::hint::black_box(&token))).unwrap());
    });
    group.bench_function("cached", |b| {
        b.iter(|| runtime.block_on(cached.verify(std::hint::black_box(&token))).unwrap());
    });
    group.finish();
}

criterion_group!(benches, verify);
criterion_main!(benches);
