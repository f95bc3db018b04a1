//! Cost of verifying a typical access token with a warm JWKS cache (target <= 50 µs):
//! header checks, key lookup, ES256 signature, claims parsing and checks. The JWKS is served
//! by a real HTTP endpoint on 127.0.0.1:0 and fetched once before measuring.
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
    let (verifier, token) = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let issuer = format!("http://{}", listener.local_addr().unwrap());
        let app = Router::new().route("/oauth2/jwks", get(move || async move { axum::Json(jwks.clone()) }));
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let verifier = Verifier::new(&VerifierConfig::new(&issuer, "tp-records")).unwrap();
        let token = token(&key, &issuer);
        verifier.verify(&token).await.expect("warm-up verification");
        (verifier, token)
    });
    c.bench_function("verify_es256_warm_cache", |b| {
        b.iter(|| runtime.block_on(verifier.verify(std::hint::black_box(&token))).unwrap());
    });
}

criterion_group!(benches, verify);
criterion_main!(benches);
