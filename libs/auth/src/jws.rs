//! The JWS compact serialisation of an access token, checked in the order that keeps an
//! attacker's input away from keys: size, shape and header first (`alg` must be ES256 before
//! a key is even looked up), then the signature, and only then the payload is parsed.
//!
//! Deliberately not a general JOSE library: one algorithm, no `jku`/`x5u`/`jwk` header keys
//! (they are ignored, never fetched), no `crit` extensions (refused, as RFC 7515 requires of
//! extensions one does not understand), no JWE.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::signature::{ECDSA_P256_SHA256_FIXED, UnparsedPublicKey};
use serde::Deserialize;

use crate::claims::AccessClaims;
use crate::error::{AuthError, InvalidToken};

/// Tokens longer than this are refused unread; ours are well under 2 KiB.
const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// The only `alg` accepted.
const ALG: &str = "ES256";

/// A token split into its parts, header checked, signature not yet verified.
pub(crate) struct UnverifiedToken<'a> {
    /// `base64url(header) . base64url(payload)`: the bytes the signature covers.
    signing_input: &'a str,
    payload: &'a str,
    signature: &'a str,
    pub(crate) kid: String,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    typ: Option<String>,
    kid: Option<String>,
    crit: Option<serde_json::Value>,
}

impl<'a> UnverifiedToken<'a> {
    pub(crate) fn parse(token: &'a str) -> Result<Self, AuthError> {
        let malformed = || AuthError::invalid(InvalidToken::Malformed);
        if token.len() > MAX_TOKEN_BYTES {
            return Err(malformed());
        }
        let (signing_input, signature) = token.rsplit_once('.').ok_or_else(malformed)?;
        let (header, payload) = signing_input.split_once('.').ok_or_else(malformed)?;
        if payload.contains('.') {
            return Err(malformed());
        }
        let header = URL_SAFE_NO_PAD.decode(header).map_err(|_| malformed())?;
        let header: Header = serde_json::from_slice(&header).map_err(|_| malformed())?;
        if header.alg != ALG {
            return Err(AuthError::invalid(InvalidToken::AlgorithmNotAllowed));
        }
        // RFC 9068 §2.1: `at+jwt`; the `application/` prefix may be spelt out (RFC 7515 §4.1.9).
        let typ = header.typ.as_deref().map(str::to_ascii_lowercase);
        if !matches!(typ.as_deref(), Some("at+jwt" | "application/at+jwt")) {
            return Err(AuthError::invalid(InvalidToken::WrongType));
        }
        if header.crit.is_some() {
            return Err(AuthError::invalid(InvalidToken::CriticalHeader));
        }
        let kid = header.kid.ok_or(AuthError::invalid(InvalidToken::MissingKeyId))?;
        Ok(Self { signing_input, payload, signature, kid })
    }

    /// Checks the signature with `public_point` (uncompressed SEC1) and parses the claims.
    pub(crate) fn verify(self, public_point: &[u8]) -> Result<AccessClaims, AuthError> {
        let signature =
            URL_SAFE_NO_PAD.decode(self.signature).map_err(|_| AuthError::invalid(InvalidToken::Malformed))?;
        UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, public_point)
            .verify(self.signing_input.as_bytes(), &signature)
            .map_err(|_| AuthError::invalid(InvalidToken::BadSignature))?;
        let payload = URL_SAFE_NO_PAD.decode(self.payload).map_err(|_| AuthError::invalid(InvalidToken::Malformed))?;
        serde_json::from_slice(&payload).map_err(|_| AuthError::invalid(InvalidToken::BadClaims))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(header: &str) -> String {
        format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode("{}"),
            URL_SAFE_NO_PAD.encode([0; 64])
        )
    }

    fn reason(token: &str) -> Option<InvalidToken> {
        UnverifiedToken::parse(token).err().and_then(|err| err.invalid_reason())
    }

    #[test]
    fn header_checks_refuse_before_any_key_is_named() {
        let cases = [
            (r#"{"alg":"none","typ":"at+jwt","kid":"v1"}"#, InvalidToken::AlgorithmNotAllowed),
            (r#"{"alg":"HS256","typ":"at+jwt","kid":"v1"}"#, InvalidToken::AlgorithmNotAllowed),
            (r#"{"alg":"RS256","typ":"at+jwt","kid":"v1"}"#, InvalidToken::AlgorithmNotAllowed),
            (r#"{"alg":"es256","typ":"at+jwt","kid":"v1"}"#, InvalidToken::AlgorithmNotAllowed),
            (r#"{"typ":"at+jwt","kid":"v1"}"#, InvalidToken::Malformed),
            (r#"{"alg":"ES256","typ":"JWT","kid":"v1"}"#, InvalidToken::WrongType),
            (r#"{"alg":"ES256","kid":"v1"}"#, InvalidToken::WrongType),
            (r#"{"alg":"ES256","typ":"at+jwt","kid":"v1","crit":["exp"]}"#, InvalidToken::CriticalHeader),
            (r#"{"alg":"ES256","typ":"at+jwt"}"#, InvalidToken::MissingKeyId),
        ];
        for (header, expected) in cases {
            assert_eq!(reason(&token(header)), Some(expected), "{header}");
        }
        let ok = token(r#"{"alg":"ES256","typ":"application/AT+JWT","kid":"v1"}"#);
        assert!(UnverifiedToken::parse(&ok).is_ok_and(|t| t.kid == "v1"));
    }

    #[test]
    fn malformed_shapes_are_refused() {
        let good = token(r#"{"alg":"ES256","typ":"at+jwt","kid":"v1"}"#);
        for bad in ["", "a.b", "a.b.c.d", &format!("{good}.x"), &"a".repeat(MAX_TOKEN_BYTES + 1), "!!.e30.AA"] {
            assert_eq!(reason(bad), Some(InvalidToken::Malformed), "{bad:.40}");
        }
    }
}
