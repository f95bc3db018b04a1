//! The verified-token cache of `Verifier::verify`: what a hit must still refuse (expiry, a
//! withdrawn or replaced key), what is never a hit, and its bound. Revocation of a cached
//! token is in `revocation.rs`.

use std::time::Duration;

use tp_auth::{AuthError, InvalidToken, Verifier, VerifierConfig};

use crate::issuer::TestIssuer;

fn reason(result: Result<tp_auth::Principal, AuthError>) -> Option<InvalidToken> {
    result.err().and_then(|err| err.invalid_reason())
}

/// `token` with the character at `index` replaced by another base64url character.
fn flip_char(token: &str, index: usize) -> String {
    let mut bytes = token.as_bytes().to_vec();
    let byte = bytes.get_mut(index).unwrap();
    *byte = if *byte == b'A' { b'B' } else { b'A' };
    String::from_utf8(bytes).unwrap()
}

#[tokio::test]
async fn a_cached_token_is_refused_once_it_expires() {
    // Arrange: no leeway, a token living two more seconds, verified once (cached).
    let issuer = TestIssuer::start().await;
    let verifier = Verifier::new(&VerifierConfig { leeway_secs: 0, ..issuer.config() }).unwrap();
    let mut claims = issuer.claims();
    claims.exp = claims.iat + 2;
    let token = issuer.sign(&claims);
    verifier.verify(&token).await.unwrap();
    assert_eq!(verifier.cached_tokens(), 1);
    // Act: wait (bounded) until the clock reaches `exp`.
    for _ in 0..50 {
        if chrono::Utc::now().timestamp() >= claims.exp {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let result = verifier.verify(&token).await;
    // Assert
    assert!(matches!(result, Err(AuthError::Expired)), "{result:?}");
    assert_eq!(verifier.cached_tokens(), 0, "an expired entry is dropped");
}

#[tokio::test]
async fn a_cached_token_is_refused_once_its_key_is_withdrawn() {
    // Arrange: every lookup refreshes the keys (refresh interval 0); a v1 token is cached.
    let mut issuer = TestIssuer::start().await;
    let verifier = Verifier::new(&VerifierConfig { refresh_interval_secs: 0, ..issuer.config() }).unwrap();
    let token = issuer.sign_with("v1", &issuer.claims());
    verifier.verify(&token).await.unwrap();
    assert_eq!(verifier.cached_tokens(), 1);
    // Act: identity rotates to v2 and withdraws v1.
    issuer.add_key("v2");
    issuer.remove_key("v1");
    let result = verifier.verify(&token).await;
    // Assert: refused on the first request after the refresh, and new tokens still pass.
    assert_eq!(reason(result), Some(InvalidToken::UnknownKey));
    assert!(verifier.verify(&issuer.sign_with("v2", &issuer.claims())).await.is_ok());
}

#[tokio::test]
async fn a_cached_token_is_refused_when_its_kid_now_names_another_key() {
    let mut issuer = TestIssuer::start().await;
    let verifier = Verifier::new(&VerifierConfig { refresh_interval_secs: 0, ..issuer.config() }).unwrap();
    let token = issuer.sign_with("v1", &issuer.claims());
    verifier.verify(&token).await.unwrap();
    issuer.remove_key("v1");
    issuer.add_key("v1");
    assert_eq!(reason(verifier.verify(&token).await), Some(InvalidToken::BadSignature));
}

#[tokio::test]
async fn a_token_differing_by_one_byte_from_a_cached_one_is_not_a_hit() {
    // Arrange
    let issuer = TestIssuer::start().await;
    let verifier = issuer.verifier();
    let token = issuer.sign(&issuer.claims());
    verifier.verify(&token).await.unwrap();
    let (header, rest) = token.split_once('.').unwrap();
    let (payload, _) = rest.split_once('.').unwrap();
    let in_payload = header.len() + 1 + payload.len() / 2;
    let in_signature = header.len() + 1 + payload.len() + 1 + 20;
    // Act / Assert
    for index in [in_payload, in_signature] {
        let altered = flip_char(&token, index);
        assert_eq!(reason(verifier.verify(&altered).await), Some(InvalidToken::BadSignature), "byte {index}");
    }
    assert!(verifier.verify(&token).await.is_ok());
    assert_eq!(verifier.cached_tokens(), 1, "refused tokens are never cached");
}

#[tokio::test]
async fn the_cache_never_holds_more_than_its_capacity() {
    let issuer = TestIssuer::start().await;
    let verifier = Verifier::new(&VerifierConfig { token_cache_capacity: 3, ..issuer.config() }).unwrap();
    for i in 0..10 {
        verifier.verify(&issuer.sign(&issuer.claims())).await.unwrap();
        assert!((1..=3).contains(&verifier.cached_tokens()), "after token {i}: {}", verifier.cached_tokens());
    }
    let disabled = Verifier::new(&VerifierConfig { token_cache_capacity: 0, ..issuer.config() }).unwrap();
    let token = issuer.sign(&issuer.claims());
    for _ in 0..2 {
        disabled.verify(&token).await.unwrap();
    }
    assert_eq!(disabled.cached_tokens(), 0);
}
