//! TOTP second factor: enrolment, one use per code, recovery codes, lockout.

use secrecy::SecretString;
use totp_rs::{Builder, Secret};
use tp_identity::accounts::{self, MfaError, SignInError};
use tp_ids::UserId;

use super::harness::{AccountsApp, GOOD_PASSWORD, email, spawn};

pub(crate) fn code_at(secret_base32: &str, unix: u64) -> String {
    let secret = Secret::try_from_base32(secret_base32).unwrap();
    Builder::new().with_secret(secret).build().unwrap().generate(unix).to_string()
}

pub(crate) fn now() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp()).unwrap()
}

async fn verify(t: &AccountsApp, user: UserId, code: &str) -> Result<(), MfaError> {
    accounts::verify_second_factor(&t.state, user, SecretString::from(code)).await
}

/// Enrols `user`; the base32 secret and the recovery codes.
pub(crate) async fn enrol(t: &AccountsApp, user: UserId) -> (String, Vec<String>) {
    let enrollment = accounts::begin_totp_enrollment(&t.state, user).await.unwrap();
    let secret = enrollment.secret_base32.to_string();
    assert!(enrollment.otpauth_url.contains(&secret));
    let codes = accounts::confirm_totp_enrollment(&t.state, user, &code_at(&secret, now())).await.unwrap();
    (secret, codes.iter().map(|c| c.expose().to_owned()).collect())
}

#[tokio::test]
async fn enrolment_needs_a_right_code_and_stores_the_secret_encrypted() {
    // Arrange
    let t = spawn().await;
    let user = t.create_active_user("enrol@example.com", GOOD_PASSWORD).await;
    let enrollment = accounts::begin_totp_enrollment(&t.state, user).await.unwrap();
    let secret = enrollment.secret_base32.to_string();

    // Act
    let wrong = accounts::confirm_totp_enrollment(&t.state, user, &code_at(&secret, now() - 300)).await;
    let before = accounts::mfa_enrolled(&t.state, user).await.unwrap();
    let codes = accounts::confirm_totp_enrollment(&t.state, user, &code_at(&secret, now())).await.unwrap();

    // Assert
    assert!(matches!(wrong, Err(MfaError::InvalidCode)), "{wrong:?}");
    assert!(!before && accounts::mfa_enrolled(&t.state, user).await.unwrap());
    assert_eq!(codes.len(), 10);
    let stored = t.sql("select totp_secret_enc from identity.users", vec![]).await;
    let stored: String = stored[0].try_get("", "totp_secret_enc").unwrap();
    assert!(stored.starts_with("vault:v") && !stored.contains(&secret), "the secret is encrypted by Vault");
    let again = accounts::begin_totp_enrollment(&t.state, user).await;
    assert!(matches!(again, Err(MfaError::AlreadyEnrolled)), "an enabled secret is not replaced");
}

#[tokio::test]
async fn a_totp_code_and_each_recovery_code_are_accepted_once() {
    // Arrange
    let t = spawn().await;
    let user = t.create_active_user("totp@example.com", GOOD_PASSWORD).await;
    let (secret, recovery) = enrol(&t, user).await;
    // The enrolment used the current step; the next one is within the accepted skew.
    let code = code_at(&secret, now() + 30);

    // Act + Assert
    verify(&t, user, &code).await.unwrap();
    assert!(matches!(verify(&t, user, &code).await, Err(MfaError::InvalidCode)), "replayed code");
    verify(&t, user, &recovery[0]).await.unwrap();
    assert!(matches!(verify(&t, user, &recovery[0]).await, Err(MfaError::InvalidCode)), "reused recovery code");
    verify(&t, user, &recovery[1].to_uppercase()).await.unwrap();
    let other = t.create_active_user("other@example.com", GOOD_PASSWORD).await;
    let (_, _) = enrol(&t, other).await;
    assert!(matches!(verify(&t, other, &recovery[2]).await, Err(MfaError::InvalidCode)), "another user's code");
}

#[tokio::test]
async fn wrong_second_factor_codes_lock_the_account_like_wrong_passwords() {
    // Arrange
    let t = spawn().await;
    let address = "mfa.locked@example.com";
    let user = t.create_active_user(address, GOOD_PASSWORD).await;
    let (secret, _) = enrol(&t, user).await;

    // Act
    let mut outcomes = Vec::new();
    for _ in 0..5 {
        outcomes.push(verify(&t, user, "wrong-guess").await);
    }

    // Assert
    assert!(outcomes[..4].iter().all(|o| matches!(o, Err(MfaError::InvalidCode))), "{outcomes:?}");
    assert!(matches!(outcomes[4], Err(MfaError::Locked { .. })), "{outcomes:?}");
    let right = verify(&t, user, &code_at(&secret, now() + 30)).await;
    assert!(matches!(right, Err(MfaError::Locked { .. })), "right code while locked: {right:?}");
    let password = accounts::authenticate_password(&t.state, &email(address), GOOD_PASSWORD.into()).await;
    assert!(matches!(password, Err(SignInError::Locked { .. })), "{password:?}");
}

#[tokio::test]
async fn with_totp_a_right_password_does_not_reset_the_failure_count_only_the_second_factor_does() {
    // Arrange: four failures; then the right password, which must not wipe them (else whoever
    // knows the password could reset the counter between guesses of the code).
    let t = spawn().await;
    let address = "keeps.count@example.com";
    let user = t.create_active_user(address, GOOD_PASSWORD).await;
    let (secret, _) = enrol(&t, user).await;
    let address_email = email(address);
    for _ in 0..4 {
        let _ = accounts::authenticate_password(&t.state, &address_email, "wrong password entirely".into()).await;
    }

    // Act
    let password = accounts::authenticate_password(&t.state, &address_email, GOOD_PASSWORD.into()).await;
    let fifth = verify(&t, user, "wrong-guess").await;

    // Assert
    assert_eq!(password.unwrap(), user);
    assert!(matches!(fifth, Err(MfaError::Locked { .. })), "{fifth:?}");
    t.sql("update identity.users set locked_until = now() - interval '1 second'", vec![]).await;
    verify(&t, user, &code_at(&secret, now() + 30)).await.unwrap();
    assert_eq!(t.user_row(address).await.try_get::<i32>("", "failed_logins").unwrap(), 0);
}

#[tokio::test]
async fn a_burst_of_parallel_wrong_codes_gets_only_the_guesses_the_lock_allows() {
    // Arrange: 12 wrong TOTP-shaped codes at once (each is decrypted through Vault and
    // checked, the slow path). Claimed before checking, exactly 5 are checked whatever the
    // interleaving; reading the lock first and counting after let the whole burst through.
    const BURST: usize = 12;
    let t = spawn().await;
    let address = "mfa.burst@example.com";
    let user = t.create_active_user(address, GOOD_PASSWORD).await;
    let (secret, _) = enrol(&t, user).await;
    let accepted: Vec<String> = (-2..=2).map(|skew| code_at(&secret, now().saturating_add_signed(skew * 30))).collect();
    let wrong = (1..=100u64)
        .map(|hours| code_at(&secret, now() - hours * 3600))
        .find(|code| !accepted.contains(code))
        .expect("a code outside the accepted window");
    let mut burst = tokio::task::JoinSet::new();
    for _ in 0..BURST {
        let (state, code) = (t.state.clone(), SecretString::from(wrong.clone()));
        burst.spawn(async move { accounts::verify_second_factor(&state, user, code).await });
    }

    // Act
    let outcomes = burst.join_all().await;

    // Assert
    let invalid = outcomes.iter().filter(|o| matches!(o, Err(MfaError::InvalidCode))).count();
    let locked = outcomes.iter().filter(|o| matches!(o, Err(MfaError::Locked { .. }))).count();
    assert_eq!((invalid, locked), (4, BURST - 4), "{outcomes:?}");
    assert_eq!(t.user_row(address).await.try_get::<i32>("", "failed_logins").unwrap(), 5);
    let checked = t.audit_reasons(tp_audit_log::action::identity::MFA_FAILED).await;
    assert_eq!(checked.iter().filter(|(_, reason)| reason == "invalid_code").count(), 5, "{checked:?}");
    let right = verify(&t, user, &code_at(&secret, now() + 30)).await;
    assert!(matches!(right, Err(MfaError::Locked { .. })), "the right code after the burst: {right:?}");
}
