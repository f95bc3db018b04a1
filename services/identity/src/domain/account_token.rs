//! One-time account tokens: the secret in an invitation, email-verification or
//! password-reset link.
//!
//! A token is a [`secret`](crate::domain::secret): 32 random bytes, base64url in the link
//! (43 characters), of which only the SHA-256 is stored: 256 bits of entropy need no slow
//! hash, and a database leak then yields no usable link. Consuming one is a single atomic
//! statement (`db::account_tokens::consume`).
//!
//! Not here: storage, and what each purpose does when its token is consumed (`accounts`).

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::domain::secret;

/// What a token may be used for; a token of one purpose is useless for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Invite,
    VerifyEmail,
    ResetPassword,
}

impl Purpose {
    /// The `account_tokens.purpose` value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Purpose::Invite => "invite",
            Purpose::VerifyEmail => "verify_email",
            Purpose::ResetPassword => "reset_password",
        }
    }

    /// Lifetime. Invitations wait for a person to act (configurable, a week by default);
    /// a reset link is a live credential, so it is short.
    pub const fn ttl(self, invite_ttl: Duration) -> Duration {
        match self {
            Purpose::Invite => invite_ttl,
            Purpose::VerifyEmail => Duration::from_secs(24 * 3600),
            Purpose::ResetPassword => Duration::from_secs(3600),
        }
    }
}

/// The secret half: goes into the link, and nowhere else (not `Debug`, never logged).
pub struct AccountToken(String);

/// The stored half: [`secret::digest`] of the token.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenHash(pub Vec<u8>);

const ENCODED_LEN: usize = 43;

impl AccountToken {
    pub fn generate() -> (Self, TokenHash) {
        let token = Self(secret::generate());
        let hash = token.hash();
        (token, hash)
    }

    /// A token presented in a link or form. Anything that is not the shape of one of ours
    /// is refused before it reaches the database.
    pub fn parse(input: &str) -> Option<Self> {
        let input = input.trim();
        let well_formed = input.len() == ENCODED_LEN
            && input.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && URL_SAFE_NO_PAD.decode(input).is_ok_and(|bytes| bytes.len() == 32);
        well_formed.then(|| Self(input.to_owned()))
    }

    pub fn hash(&self) -> TokenHash {
        TokenHash(secret::digest(&self.0))
    }

    /// The value for the link's `token=` parameter (URL-safe as is).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_token_parses_back_to_the_same_hash() {
        let (token, hash) = AccountToken::generate();
        assert_eq!(token.expose().len(), ENCODED_LEN);
        let parsed = AccountToken::parse(token.expose()).unwrap();
        assert!(parsed.hash() == hash);
    }

    #[test]
    fn malformed_tokens_are_refused() {
        let (token, _) = AccountToken::generate();
        let long = format!("{}A", token.expose());
        let plus = token.expose().replacen(|c: char| c.is_ascii_alphanumeric(), "+", 1);
        for input in ["", "abc", long.as_str(), plus.as_str(), &"=".repeat(43)] {
            assert!(AccountToken::parse(input).is_none(), "{input:?}");
        }
    }

    #[test]
    fn two_tokens_differ() {
        let (a, _) = AccountToken::generate();
        let (b, _) = AccountToken::generate();
        assert_ne!(a.expose(), b.expose());
    }
}
