//! Opaque secrets handed to clients once (client secrets, authorization codes, refresh
//! tokens): 256 random bits, base64url, stored only as a SHA-256 digest and compared in
//! constant time.
//!
//! Deliberately not a slow hash: with 256 bits of entropy nothing can be guessed, so
//! Argon2 would only cost CPU on every token request (passwords are elsewhere).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

/// A fresh secret: 32 random bytes, base64url without padding (43 characters).
pub fn generate() -> String {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What is stored for a secret: its SHA-256 digest.
pub fn digest(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// Whether `presented` is the secret whose digest is `stored`, in constant time (no early
/// exit on the first differing byte an attacker could time).
pub fn matches(presented: &str, stored: &[u8]) -> bool {
    bool::from(digest(presented).as_slice().ct_eq(stored))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_43_url_safe_characters_and_differ() {
        let (a, b) = (generate(), generate());
        assert_eq!(a.len(), 43);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'), "{a}");
        assert_ne!(a, b);
    }

    #[test]
    fn only_the_same_secret_matches_its_digest() {
        let secret = generate();
        let stored = digest(&secret);
        assert!(matches(&secret, &stored));
        assert!(!matches(&generate(), &stored));
        assert!(!matches("", &stored));
    }
}
