//! Passwords: the rules a new one must meet ([`NewPassword::parse`]) and Argon2id hashing and
//! verification ([`hash`], [`verify`]).
//!
//! Rules (NIST SP 800-63B §5.1.1.2): at least 12 characters, at most 1024 bytes (a bound on
//! work, not a strength rule), not containing the account's email local part, and not
//! guessable: zxcvbn (whose dictionaries include the ~30,000 most common passwords, with
//! l33t, reversed and keyboard-pattern variants) must score it 3 or more out of 4. No
//! composition rules (digits, symbols): NIST advises against them.
//!
//! Hashing is Argon2id with the OWASP parameters (m = 19 MiB, t = 2, p = 1). It is CPU-bound
//! (~50 ms), so it runs on tokio's blocking pool, never on a runtime worker. Verifying for an
//! account that does not exist (or has no password yet) runs against a dummy hash, so the
//! answer takes as long as for a real account: no user-enumeration timing oracle.
//!
//! Not here: lockout (`lockout`), storing hashes (`db::users`).

use std::sync::LazyLock;

use argon2::password_hash::phc::PasswordHash as Phc;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use secrecy::{ExposeSecret, SecretString};

use crate::domain::email::Email;

pub const MIN_CHARS: usize = 12;
pub const MAX_BYTES: usize = 1024;
/// zxcvbn score (0-4) a new password must reach: 3 means "safely unguessable" (≥ 10^8
/// guesses) in zxcvbn's terms; every word on its common-password list scores below it.
const MIN_SCORE: u8 = 3;
/// A local part shorter than this ("jo") is too short to be a meaningful hint.
const MIN_LOCAL_PART_MATCH: usize = 3;

/// Why a new password was refused. `Display` is the message shown to the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordRejection {
    #[error("must be at least 12 characters long")]
    TooShort,
    #[error("must be at most 1024 bytes long")]
    TooLong,
    #[error("must not contain your email address")]
    ContainsEmail,
    #[error("is too common or too easy to guess; try a longer phrase of unrelated words")]
    TooGuessable,
}

/// A password that passed the rules, ready to hash. Not `Debug`-printable.
pub struct NewPassword(SecretString);

impl NewPassword {
    /// Checks the rules for the account `email`. CPU-bound for long inputs (zxcvbn looks at
    /// the first 100 characters): callers run it with [`hash`] on the blocking pool, or
    /// accept a few milliseconds.
    pub fn parse(candidate: SecretString, email: &Email) -> Result<Self, PasswordRejection> {
        let password = candidate.expose_secret();
        if password.chars().count() < MIN_CHARS {
            return Err(PasswordRejection::TooShort);
        }
        if password.len() > MAX_BYTES {
            return Err(PasswordRejection::TooLong);
        }
        let local = email.local_part();
        if local.len() >= MIN_LOCAL_PART_MATCH && password.to_lowercase().contains(local) {
            return Err(PasswordRejection::ContainsEmail);
        }
        let strength = zxcvbn::zxcvbn(password, &[email.as_str(), local]);
        if u8::from(strength.score()) < MIN_SCORE {
            return Err(PasswordRejection::TooGuessable);
        }
        Ok(Self(candidate))
    }
}

/// An Argon2id PHC string (`$argon2id$v=19$m=19456,t=2,p=1$...`).
#[derive(Clone)]
pub struct PasswordHash(String);

impl PasswordHash {
    /// A hash read back from `users.password_hash`.
    pub fn from_stored(phc: String) -> Self {
        Self(phc)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Hashing could not run (the blocking pool is gone, or Argon2 refused its input).
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed")]
pub struct HashError(#[source] anyhow::Error);

fn hasher() -> Argon2<'static> {
    // Spelled out rather than `Argon2::default()` so a change of the crate's defaults cannot
    // silently change ours. `Params::DEFAULT` is m=19456 KiB, t=2, p=1 (OWASP).
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::DEFAULT)
}

/// Hashes with a fresh random salt, on the blocking pool.
pub async fn hash(password: NewPassword) -> Result<PasswordHash, HashError> {
    tokio::task::spawn_blocking(move || {
        hasher()
            .hash_password(password.0.expose_secret().as_bytes())
            .map(|phc| PasswordHash(phc.to_string()))
            .map_err(|e| HashError(anyhow::anyhow!("argon2: {e}")))
    })
    .await
    .map_err(|e| HashError(e.into()))?
}

/// Whether `candidate` matches `stored`. With no stored hash it verifies against a dummy and
/// answers `false`, taking the same time. A stored hash that does not parse is `false` too
/// (and cannot be matched by anything), never a panic.
pub async fn verify(stored: Option<PasswordHash>, candidate: SecretString) -> Result<bool, HashError> {
    tokio::task::spawn_blocking(move || {
        let exists = stored.is_some();
        let phc = stored.map_or_else(|| DUMMY_HASH.clone(), |hash| hash.0);
        // Over-long input is never a valid password; hash a bounded prefix so the work stays
        // bounded and the timing stays the same.
        let bytes = candidate.expose_secret().as_bytes();
        let fits = bytes.len() <= MAX_BYTES;
        let input = bytes.get(..MAX_BYTES).unwrap_or(bytes);
        let matches = Phc::new(&phc).is_ok_and(|parsed| hasher().verify_password(input, &parsed).is_ok());
        exists && fits && matches
    })
    .await
    .map_err(|e| HashError(e.into()))
}

/// A hash of random bytes with our parameters: verifying against it costs what a real
/// verification costs, and nothing can match it.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let random: [u8; 32] = rand::random();
    hasher().hash_password(&random).map(|phc| phc.to_string()).unwrap_or_default()
});

#[cfg(test)]
mod tests {
    use super::*;

    fn email() -> Email {
        Email::parse("alice.smith@example.com").unwrap()
    }

    fn parse(password: &str) -> Result<NewPassword, PasswordRejection> {
        NewPassword::parse(SecretString::from(password), &email())
    }

    #[test]
    fn rules_refuse_short_long_personal_and_common_passwords() {
        let long = "correct horse battery staple ".repeat(40);
        let cases = [
            ("eleven char", PasswordRejection::TooShort),
            // Twelve bytes but eleven characters: the rule counts characters.
            ("ééééééaaaaa", PasswordRejection::TooShort),
            (long.as_str(), PasswordRejection::TooLong),
            ("Alice.Smith-rocks-2026!", PasswordRejection::ContainsEmail),
            ("password1234", PasswordRejection::TooGuessable),
            ("qwertyuiop123", PasswordRejection::TooGuessable),
            ("iloveyou2000", PasswordRejection::TooGuessable),
            ("aaaaaaaaaaaaaaaa", PasswordRejection::TooGuessable),
        ];
        for (password, expected) in cases {
            assert_eq!(parse(password).err(), Some(expected), "{password:?}");
        }
    }

    #[test]
    fn rules_accept_a_long_unusual_phrase() {
        assert!(parse("violet tractor sings under quiet glaciers").is_ok());
        assert!(parse("Xk9#mQ2$vL7!pR4").is_ok());
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let hash = hash(parse("violet tractor sings under quiet glaciers").unwrap()).await.unwrap();
        assert!(hash.as_str().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{}", hash.as_str());
        let right = SecretString::from("violet tractor sings under quiet glaciers");
        let wrong = SecretString::from("violet tractor sings under quiet glacier");
        assert!(verify(Some(hash.clone()), right.clone()).await.unwrap());
        assert!(!verify(Some(hash), wrong).await.unwrap());
        assert!(!verify(None, right).await.unwrap(), "no account never verifies");
    }

    #[tokio::test]
    async fn a_corrupt_stored_hash_matches_nothing() {
        let stored = PasswordHash::from_stored("not a phc string".into());
        assert!(!verify(Some(stored), SecretString::from("anything at all here")).await.unwrap());
    }
}
