//! Password sign-in: generic refusals and lockout with backoff.

use chrono::Utc;
use tp_audit_log::action::identity as action;
use tp_auth::Role;
use tp_identity::accounts::{self, SignInError};

use super::harness::{GOOD_PASSWORD, email, spawn};

const WRONG: &str = "not the password at all, sorry";

#[tokio::test]
async fn five_wrong_passwords_lock_the_account_even_against_the_right_one_until_the_lock_passes() {
    // Arrange
    let t = spawn().await;
    let address = "locked.out@example.com";
    let user = t.create_active_user(address, GOOD_PASSWORD).await;
    let address_email = email(address);
    let sign_in = |password: &'static str| accounts::authenticate_password(&t.state, &address_email, password.into());

    // Act + Assert
    for attempt in 1..=4 {
        assert!(matches!(sign_in(WRONG).await, Err(SignInError::InvalidCredentials)), "attempt {attempt}");
    }
    let fifth = sign_in(WRONG).await;
    let Err(SignInError::Locked { until }) = fifth else { panic!("fifth failure should lock: {fifth:?}") };
    assert!((50..=60).contains(&(until - Utc::now()).num_seconds()), "first lock is a minute");
    assert!(matches!(sign_in(GOOD_PASSWORD).await, Err(SignInError::Locked { .. })), "right password while locked");

    // The lock passes; the counter does not: the next failure locks again, twice as long.
    t.sql("update identity.users set locked_until = now() - interval '1 second'", vec![]).await;
    let sixth = sign_in(WRONG).await;
    let Err(SignInError::Locked { until }) = sixth else { panic!("sixth failure should lock: {sixth:?}") };
    assert!((110..=120).contains(&(until - Utc::now()).num_seconds()), "second lock is two minutes");

    t.sql("update identity.users set locked_until = now() - interval '1 second'", vec![]).await;
    assert_eq!(sign_in(GOOD_PASSWORD).await.unwrap(), user);
    let row = t.user_row(address).await;
    assert_eq!(row.try_get::<i32>("", "failed_logins").unwrap(), 0, "success resets the counter");
}

#[tokio::test]
async fn unknown_invited_and_wrong_password_sign_ins_get_the_same_refusal() {
    // Arrange
    let t = spawn().await;
    let tenant = t.create_tenant("Practice A").await;
    t.invite(tenant, "invited.only@example.com", &[Role::Client]).await;
    t.create_active_user("real@example.com", GOOD_PASSWORD).await;

    // Act
    let unknown = accounts::authenticate_password(&t.state, &email("ghost@example.com"), GOOD_PASSWORD.into()).await;
    let invited =
        accounts::authenticate_password(&t.state, &email("invited.only@example.com"), GOOD_PASSWORD.into()).await;
    let wrong = accounts::authenticate_password(&t.state, &email("real@example.com"), WRONG.into()).await;

    // Assert
    for (case, outcome) in [("unknown", unknown), ("invited", invited), ("wrong", wrong)] {
        assert!(matches!(outcome, Err(SignInError::InvalidCredentials)), "{case}: {outcome:?}");
    }
}

#[tokio::test]
async fn a_disabled_account_is_refused_and_says_so_only_to_the_right_password() {
    // Arrange
    let t = spawn().await;
    let address = "gone@example.com";
    t.create_active_user(address, GOOD_PASSWORD).await;
    t.sql("update identity.users set status = 'disabled'", vec![]).await;

    // Act
    let right = accounts::authenticate_password(&t.state, &email(address), GOOD_PASSWORD.into()).await;
    let wrong = accounts::authenticate_password(&t.state, &email(address), WRONG.into()).await;

    // Assert
    assert!(matches!(right, Err(SignInError::Disabled)), "{right:?}");
    assert!(matches!(wrong, Err(SignInError::InvalidCredentials)), "{wrong:?}");
}

#[tokio::test]
async fn a_burst_of_parallel_wrong_passwords_gets_only_the_guesses_the_lock_allows() {
    // Arrange: 12 wrong passwords at once against a fresh account. Each attempt is claimed
    // (counted) before its hash is checked, and the 5th claim sets the lock in its own
    // transaction, so however the 12 interleave, exactly 5 are checked: the outcome is the
    // same on every run. Checking the lock before the slow hash and counting after let
    // every request of the burst through (12 guesses, `failed_logins` = 12).
    const BURST: usize = 12;
    let t = spawn().await;
    let address = "burst@example.com";
    t.create_active_user(address, GOOD_PASSWORD).await;
    let mut burst = tokio::task::JoinSet::new();
    for _ in 0..BURST {
        let (state, address) = (t.state.clone(), email(address));
        burst.spawn(async move { accounts::authenticate_password(&state, &address, WRONG.into()).await });
    }

    // Act
    let outcomes = burst.join_all().await;

    // Assert
    let locked = outcomes.iter().filter(|o| matches!(o, Err(SignInError::Locked { .. }))).count();
    let invalid = outcomes.iter().filter(|o| matches!(o, Err(SignInError::InvalidCredentials))).count();
    assert_eq!((invalid, locked), (4, BURST - 4), "{outcomes:?}");
    assert_eq!(t.user_row(address).await.try_get::<i32>("", "failed_logins").unwrap(), 5);
    let mut reasons = t.audit_reasons(action::SIGN_IN_FAILED).await;
    reasons.sort();
    let mut expected = vec![("denied".to_owned(), "locked".to_owned()); BURST - 5];
    expected.extend(vec![("failure".to_owned(), "wrong_password".to_owned()); 5]);
    assert_eq!(reasons, expected, "only five passwords were checked");
    assert_eq!(t.audit_reasons(action::ACCOUNT_LOCKED).await.len(), 1);
    let right = accounts::authenticate_password(&t.state, &email(address), GOOD_PASSWORD.into()).await;
    assert!(matches!(right, Err(SignInError::Locked { .. })), "the right password after the burst: {right:?}");
}

#[tokio::test]
async fn with_totp_the_right_password_on_the_locking_attempt_neither_counts_nor_keeps_the_lock() {
    // Arrange: four failures, so the next attempt's claim reaches the threshold and locks
    // before its password is checked. The password is right but, with TOTP, must not reset
    // the counter: the claim is handed back, lock included.
    let t = spawn().await;
    let address = "totp.fifth@example.com";
    let user = t.create_active_user(address, GOOD_PASSWORD).await;
    super::mfa::enrol(&t, user).await;
    for _ in 0..4 {
        let _ = accounts::authenticate_password(&t.state, &email(address), WRONG.into()).await;
    }

    // Act
    let right = accounts::authenticate_password(&t.state, &email(address), GOOD_PASSWORD.into()).await;

    // Assert
    assert_eq!(right.unwrap(), user);
    let row = t.user_row(address).await;
    assert_eq!(row.try_get::<i32>("", "failed_logins").unwrap(), 4, "not counted, not reset");
    assert_eq!(row.try_get::<Option<chrono::DateTime<Utc>>>("", "locked_until").unwrap(), None, "lock lifted");
    assert!(t.audit_reasons(action::ACCOUNT_LOCKED).await.is_empty(), "no lock happened");
}
