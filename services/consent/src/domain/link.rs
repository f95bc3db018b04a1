//! The two secrets of an outside provider's link to shared records, without I/O: the link's
//! token (32 random bytes, URL-safe base64 in the emailed URL; only its SHA-256 is stored)
//! and the 8-digit one-time code the practice gives by phone (stored sealed). Both are
//! compared in constant time. How many wrong codes remain ([`attempts_left`]).
//!
//! Not here: storing, sealing, counting attempts under a row lock (`transfers::outside`).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;
use tp_consent_api::transfers::CODE_ATTEMPTS;

/// A new link token and the SHA-256 to store for it.
pub struct LinkToken {
    pub token: String,
    pub sha256: Vec<u8>,
}

impl LinkToken {
    pub fn generate() -> Self {
        let token = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
        let sha256 = digest(&token);
        Self { token, sha256 }
    }
}

/// The SHA-256 of a token as it came (whatever it is: a wrong one simply does not match).
pub fn digest(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// A new one-time code: 8 decimal digits, uniformly drawn (values of `u32` past the last
/// whole multiple of 10^8 are drawn again, so no code is likelier than another).
pub fn generate_code() -> String {
    const SPAN: u32 = 100_000_000;
    const LIMIT: u32 = u32::MAX - u32::MAX % SPAN;
    loop {
        let drawn: u32 = rand::random();
        if drawn < LIMIT {
            return format!("{:08}", drawn % SPAN);
        }
    }
}

/// Whether two secrets (token digests, codes) are equal, in time that does not depend on
/// where they differ.
pub fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// The wrong codes a link still takes after `failed` of them (0: locked).
pub fn attempts_left(failed: u32) -> u32 {
    CODE_ATTEMPTS.saturating_sub(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_32_random_bytes_and_only_its_digest_matches_it() {
        let (one, two) = (LinkToken::generate(), LinkToken::generate());
        assert_eq!(one.token.len(), 43);
        assert_eq!(URL_SAFE_NO_PAD.decode(&one.token).unwrap().len(), 32);
        assert_ne!(one.token, two.token);
        assert!(same_secret(&one.sha256, &digest(&one.token)));
        assert!(!same_secret(&one.sha256, &digest(&two.token)));
        assert!(!one.sha256.windows(one.token.len()).any(|w| w == one.token.as_bytes()));
    }

    #[test]
    fn codes_are_eight_digits() {
        for _ in 0..200 {
            let code = generate_code();
            assert!(code.len() == 8 && code.bytes().all(|b| b.is_ascii_digit()), "{code}");
        }
        assert!(!same_secret(b"01234567", b"0123456"));
        assert!(same_secret(b"01234567", b"01234567"));
    }

    #[test]
    fn five_wrong_codes_leave_none() {
        assert_eq!((attempts_left(0), attempts_left(4), attempts_left(5), attempts_left(9)), (5, 1, 0, 0));
    }
}
