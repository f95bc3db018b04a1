//! Password sign-in: generic refusals and lockout with backoff.

use chrono::Utc;
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
