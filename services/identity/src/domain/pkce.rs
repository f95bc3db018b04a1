//! PKCE (RFC 7636), S256 only: the challenge the authorize endpoint stores and the verifier
//! the token endpoint checks against it.
//!
//! `plain` is refused on purpose (OAuth 2.1): a verifier equal to its challenge never
//! matches, because the challenge is always compared with SHA-256 of the verifier.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

/// Why a PKCE parameter was refused. Never echoes the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PkceError {
    #[error("code_challenge_method must be S256")]
    UnsupportedMethod,
    #[error("code_challenge must be 43 base64url characters")]
    MalformedChallenge,
    #[error("code_verifier must be 43 to 128 unreserved characters")]
    MalformedVerifier,
}

/// An S256 challenge: base64url (no padding) of a SHA-256 digest, so exactly 43 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeChallenge(String);

impl CodeChallenge {
    /// Parses the authorize request's `code_challenge` and `code_challenge_method`. A missing
    /// method means `plain` in RFC 7636, so it is refused like `plain` itself.
    pub fn parse(challenge: &str, method: Option<&str>) -> Result<Self, PkceError> {
        if method != Some("S256") {
            return Err(PkceError::UnsupportedMethod);
        }
        Self::from_stored(challenge)
    }

    /// A challenge read back from our own database (already checked when it was stored).
    pub fn from_stored(challenge: &str) -> Result<Self, PkceError> {
        let well_formed = challenge.len() == 43 && URL_SAFE_NO_PAD.decode(challenge).is_ok_and(|d| d.len() == 32);
        if well_formed { Ok(Self(challenge.to_owned())) } else { Err(PkceError::MalformedChallenge) }
    }

    /// The challenge of `verifier` (what a client sends to /authorize).
    pub fn s256(verifier: &CodeVerifier) -> Self {
        Self(URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.0.as_bytes())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `verifier` hashes to this challenge (constant-time comparison).
    pub fn is_satisfied_by(&self, verifier: &CodeVerifier) -> bool {
        bool::from(Self::s256(verifier).0.as_bytes().ct_eq(self.0.as_bytes()))
    }
}

/// A code verifier: 43 to 128 characters of `[A-Za-z0-9-._~]` (RFC 7636 section 4.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeVerifier(String);

impl CodeVerifier {
    pub fn parse(input: &str) -> Result<Self, PkceError> {
        let unreserved = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
        if (43..=128).contains(&input.len()) && input.bytes().all(unreserved) {
            Ok(Self(input.to_owned()))
        } else {
            Err(PkceError::MalformedVerifier)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfc_7636_example_verifier_satisfies_its_challenge() {
        let verifier = CodeVerifier::parse("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").unwrap();
        let challenge = CodeChallenge::parse("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", Some("S256")).unwrap();
        assert!(challenge.is_satisfied_by(&verifier));
    }

    #[test]
    fn a_verifier_equal_to_the_challenge_is_refused() {
        let verifier = CodeVerifier::parse("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM").unwrap();
        let challenge = CodeChallenge::from_stored("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM").unwrap();
        assert!(!challenge.is_satisfied_by(&verifier));
    }

    #[test]
    fn plain_or_missing_methods_and_bad_shapes_are_refused() {
        let ok = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert_eq!(CodeChallenge::parse(ok, Some("plain")), Err(PkceError::UnsupportedMethod));
        assert_eq!(CodeChallenge::parse(ok, None), Err(PkceError::UnsupportedMethod));
        assert_eq!(CodeChallenge::parse("short", Some("S256")), Err(PkceError::MalformedChallenge));
        for bad in ["x".repeat(42), "x".repeat(129), format!("{}+", "x".repeat(43)), format!("{} ", "x".repeat(43))] {
            assert_eq!(CodeVerifier::parse(&bad), Err(PkceError::MalformedVerifier), "{bad:?}");
        }
        assert!(CodeVerifier::parse(&"a-._~".repeat(9)).is_ok());
    }
}
