//! Second factor: TOTP (RFC 6238: SHA-1, 6 digits, 30-second steps, one step of skew either
//! way), recovery codes, and the policy of who must use MFA.
//!
//! SHA-1 because authenticator apps that are offered SHA-256 often silently use SHA-1 and
//! then never match; HMAC-SHA-1 is not affected by SHA-1 collisions (RFC 4226 appendix B.2).
//!
//! A code is accepted once: [`check`] only accepts a time step later than the last one
//! accepted, and the caller stores the new step atomically (`users.totp_last_step`).
//!
//! Recovery codes are 10 random characters (50 bits) each, stored as SHA-256 over the user
//! id and the code: a leaked table cannot be matched against another user's codes, and 50
//! random bits behind lockout need no slow hash.
//!
//! Not here: encrypting the secret (Vault transit, `accounts::mfa`), lockout.

use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Builder, Secret, Totp};
use tp_auth::Role;
use tp_ids::UserId;
use zeroize::Zeroizing;

pub const DIGITS: u8 = 6;
pub const STEP_SECS: u64 = 30;
const SKEW_STEPS: u16 = 1;
const SECRET_BYTES: usize = 20;
pub const RECOVERY_CODE_COUNT: usize = 10;
const RECOVERY_CODE_LEN: usize = 10;
/// 32 symbols, so a random byte masked to 5 bits picks one without bias; no `l`, `o`, `0`,
/// `1`, which people misread.
const RECOVERY_ALPHABET: &[u8; 32] = b"abcdefghijkmnpqrstuvwxyz23456789";
/// Shown to the person in their authenticator app.
const ISSUER: &str = "Telehealth";

/// A TOTP shared secret (160 bits, RFC 4226's recommendation). Wiped on drop.
pub struct TotpSecret(Zeroizing<Vec<u8>>);

impl TotpSecret {
    pub fn generate() -> Self {
        let bytes: [u8; SECRET_BYTES] = rand::random();
        Self(Zeroizing::new(bytes.to_vec()))
    }

    /// The secret as decrypted from storage.
    pub fn from_bytes(bytes: Zeroizing<Vec<u8>>) -> Self {
        Self(bytes)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Base32, for people who type the secret into their app.
    pub fn base32(&self) -> Zeroizing<String> {
        Zeroizing::new(Secret::from(self.0.to_vec()).to_base32())
    }

    /// The `otpauth://` URL that a QR code carries (Key Uri Format). `account` is what the
    /// app shows under the issuer; we use the email address, which the person knows.
    pub fn otpauth_url(&self, account: &str) -> Zeroizing<String> {
        // The label is percent-encoded (`:` as `%3A` is explicitly allowed by the format).
        let label: String = url::form_urlencoded::byte_serialize(format!("{ISSUER}:{account}").as_bytes()).collect();
        Zeroizing::new(format!(
            "otpauth://totp/{label}?secret={}&issuer={ISSUER}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}",
            self.base32().as_str()
        ))
    }

    fn totp(&self) -> Option<Totp> {
        Builder::new()
            .with_algorithm(Algorithm::SHA1)
            .with_digits(DIGITS)
            .with_skew(SKEW_STEPS)
            .with_step_duration(STEP_SECS)
            .with_secret(self.0.to_vec())
            .build()
            .ok()
    }
}

/// Whether `code` is valid at `now_unix` for a time step after `last_step`; the step matched.
pub fn check(secret: &TotpSecret, code: &str, now_unix: u64, last_step: Option<i64>) -> Option<i64> {
    let code = code.trim();
    if code.len() != usize::from(DIGITS) || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let totp = secret.totp()?;
    // Every step of the window, so that a code of an already used step does not hide a
    // valid later one; a code matching two steps is a 1-in-a-million coincidence.
    let origin = now_unix / STEP_SECS;
    let window = origin.saturating_sub(u64::from(SKEW_STEPS))..=origin.saturating_add(u64::from(SKEW_STEPS));
    window
        .filter(|step| totp.generate(step * STEP_SECS).to_string() == code)
        .filter_map(|step| i64::try_from(step).ok())
        .find(|step| last_step.is_none_or(|last| *step > last))
}

/// Whether `input` looks like a TOTP code (six digits) rather than a recovery code.
pub fn is_totp_code(input: &str) -> bool {
    let input = input.trim();
    input.len() == usize::from(DIGITS) && input.bytes().all(|b| b.is_ascii_digit())
}

/// A recovery code as shown to the person once: `abcde-fghjk`.
pub struct RecoveryCode(Zeroizing<String>);

impl std::fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryCode(<redacted>)")
    }
}

impl RecoveryCode {
    pub fn generate() -> Self {
        let bytes: [u8; RECOVERY_CODE_LEN] = rand::random();
        let mut code = String::with_capacity(RECOVERY_CODE_LEN + 1);
        for (i, byte) in bytes.iter().enumerate() {
            if i == RECOVERY_CODE_LEN / 2 {
                code.push('-');
            }
            let symbol = RECOVERY_ALPHABET.get(usize::from(byte & 31)).copied().unwrap_or(b'a');
            code.push(char::from(symbol));
        }
        Self(Zeroizing::new(code))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// The stored digest of a recovery code for `user`. Input is normalised (case, spaces and
/// dashes) so that a code typed as `ABCDE FGHJK` matches.
pub fn recovery_code_hash(user: UserId, code: &str) -> [u8; 32] {
    let normalised: Zeroizing<String> =
        Zeroizing::new(code.chars().filter(|c| !c.is_whitespace() && *c != '-').flat_map(char::to_lowercase).collect());
    let mut hasher = Sha256::new();
    hasher.update(user.as_uuid().as_bytes());
    hasher.update(normalised.as_bytes());
    hasher.finalize().into()
}

/// Whether a person must use a second factor: platform operators always; practice members
/// when one of their roles in the chosen practice is in its `mfa_required_roles` policy.
pub fn mfa_required(platform_operator: bool, roles: &[Role], policy: &[Role]) -> bool {
    platform_operator || roles.iter().any(|role| policy.contains(role))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_at(secret: &TotpSecret, unix: u64) -> String {
        secret.totp().unwrap().generate(unix).to_string()
    }

    #[test]
    fn a_code_is_valid_one_step_either_side_and_not_beyond() {
        let secret = TotpSecret::generate();
        let now: u64 = 1_800_000_000;
        for (offset, valid) in [(-60i64, false), (-30, true), (0, true), (30, true), (60, false)] {
            let code = code_at(&secret, now.saturating_add_signed(offset));
            assert_eq!(check(&secret, &code, now, None).is_some(), valid, "offset {offset}");
        }
    }

    #[test]
    fn a_code_of_an_already_used_step_is_refused() {
        let secret = TotpSecret::generate();
        let now = 1_800_000_000;
        let step = check(&secret, &code_at(&secret, now), now, None).unwrap();
        assert_eq!(step, i64::try_from(now / STEP_SECS).unwrap());
        assert_eq!(check(&secret, &code_at(&secret, now), now, Some(step)), None);
        let next = now + STEP_SECS;
        assert_eq!(check(&secret, &code_at(&secret, next), now, Some(step)), Some(step + 1));
    }

    #[test]
    fn malformed_codes_are_refused() {
        let secret = TotpSecret::generate();
        for code in ["", "12345", "1234567", "12a456", "１２３４５６"] {
            assert_eq!(check(&secret, code, 1_800_000_000, None), None, "{code:?}");
        }
    }

    #[test]
    fn the_otpauth_url_carries_the_secret_and_parameters() {
        let secret = TotpSecret::generate();
        let url = secret.otpauth_url("alice@example.com");
        assert!(url.starts_with("otpauth://totp/Telehealth%3Aalice%40example.com?secret="), "{}", url.as_str());
        assert!(url.contains(secret.base32().as_str()));
        assert!(url.contains("&digits=6&period=30"));
    }

    #[test]
    fn recovery_codes_are_random_and_hash_per_user_ignoring_format() {
        let code = RecoveryCode::generate();
        assert_eq!(code.expose().len(), 11);
        assert_ne!(code.expose(), RecoveryCode::generate().expose());
        let (alice, bob) = (UserId::generate(), UserId::generate());
        let typed = code.expose().to_uppercase().replace('-', " ");
        assert_eq!(recovery_code_hash(alice, code.expose()), recovery_code_hash(alice, &typed));
        assert_ne!(recovery_code_hash(alice, code.expose()), recovery_code_hash(bob, code.expose()));
    }

    #[test]
    fn operators_always_need_mfa_members_by_policy() {
        let policy = [Role::PracticeAdmin, Role::Clinician];
        assert!(mfa_required(true, &[], &policy));
        assert!(mfa_required(false, &[Role::Staff, Role::Clinician], &policy));
        assert!(!mfa_required(false, &[Role::Client], &policy));
        assert!(!mfa_required(false, &[Role::PracticeAdmin], &[]));
    }
}
