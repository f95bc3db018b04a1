//! Forgot / reset password (same answer for unknown addresses, sessions revoked, old links
//! superseded) and email verification links.

use redis::AsyncCommands as _;
use tp_identity::accounts::{self, SignInError};
use tp_ids::UserId;

use super::harness::{AccountsApp, GOOD_PASSWORD, MAIL_WAIT, email, spawn};

const FORGOT: &str = "/account/forgot-password";
const RESET: &str = "/account/reset-password";
const OLD_PASSWORD: &str = "amber lantern drifts past midnight orchards";

async fn request_reset(t: &AccountsApp, address: &str) -> super::harness::Page {
    let form = t.get_page(FORGOT).await;
    let csrf = form.hidden("csrf");
    t.post_form(FORGOT, form.csrf_cookie.as_deref(), &[("csrf", &csrf), ("email", address)]).await
}

async fn submit_reset(t: &AccountsApp, link: &str, password: &str) -> super::harness::Page {
    let page = t.get_page(link).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let (csrf, token) = (page.hidden("csrf"), page.hidden("token"));
    let fields = [("csrf", csrf.as_str()), ("token", &token), ("password", password), ("password_confirm", password)];
    t.post_form(RESET, page.csrf_cookie.as_deref(), &fields).await
}

#[tokio::test]
async fn forgot_password_answers_identically_for_unknown_addresses_and_sends_them_nothing() {
    // Arrange
    let t = spawn().await;
    t.create_active_user("known@example.com", OLD_PASSWORD).await;

    // Act
    let unknown = request_reset(&t, "nobody@example.com").await;
    let known = request_reset(&t, "known@example.com").await;

    // Assert
    assert_eq!((unknown.status, known.status), (200, 200));
    assert_eq!(unknown.body, known.body);
    assert!(known.body.contains("If an account exists"));
    let message = t.smtp.wait_for_message("known@example.com", MAIL_WAIT).await;
    assert_eq!(message.header("Subject").as_deref(), Some("Reset your Telehealth password"));
    assert!(t.smtp.messages_to("nobody@example.com").is_empty());
    assert_eq!(t.smtp.messages().len(), 1);
}

#[tokio::test]
async fn a_reset_sets_the_new_password_clears_lockout_and_revokes_every_session() {
    // Arrange
    let t = spawn().await;
    let address = "riley@example.com";
    let user = t.create_active_user(address, OLD_PASSWORD).await;
    let session = uuid::Uuid::now_v7();
    let sql = "insert into identity.sessions (id, token_hash, user_id, stage, expires_at) \
               values ($1, $2, $3, 'authenticated', now() + interval '1 hour')";
    t.sql(sql, vec![session.into(), vec![7u8; 32].into(), (*user.as_uuid()).into()]).await;
    let lock = "update identity.users set failed_logins = 9, locked_until = now() + interval '1 hour'";
    t.sql(lock, vec![]).await;
    request_reset(&t, address).await;
    let message = t.smtp.wait_for_message(address, MAIL_WAIT).await;
    let link = t.link(&message, RESET);

    // Act
    let weak = submit_reset(&t, &link, "password1234").await;
    let changed = submit_reset(&t, &link, GOOD_PASSWORD).await;

    // Assert
    assert_eq!(weak.status, 422);
    assert_eq!(changed.status, 200, "{}", changed.body);
    let row = t
        .sql("select revoked_at is not null as revoked from identity.sessions where id = $1", vec![session.into()])
        .await;
    assert!(row[0].try_get::<bool>("", "revoked").unwrap());
    let key = format!("{}{session}", tp_auth::REVOKED_SESSION_PREFIX);
    let ttl: i64 = t.state.redis.clone().ttl(&key).await.unwrap();
    // Listed as long as an access token of the session can live, plus the skew minute, like
    // every other revocation: not a constant of its own that can fall out of step.
    let token_ttl = i64::try_from(t.state.settings.access_token_ttl_secs).unwrap();
    assert!((token_ttl + 1..=token_ttl + 60).contains(&ttl), "revocation key TTL {ttl}, token TTL {token_ttl}");
    let signed_in = accounts::authenticate_password(&t.state, &email(address), GOOD_PASSWORD.into()).await;
    assert_eq!(signed_in.unwrap(), user, "the reset cleared the lock");
    let old = accounts::authenticate_password(&t.state, &email(address), OLD_PASSWORD.into()).await;
    assert!(matches!(old, Err(SignInError::InvalidCredentials)), "{old:?}");
    assert_eq!(t.get_page(&link).await.status, 400, "the link worked once");
}

#[tokio::test]
async fn a_new_reset_link_makes_the_previous_one_useless() {
    // Arrange
    let t = spawn().await;
    let address = "twice.reset@example.com";
    t.create_active_user(address, OLD_PASSWORD).await;
    request_reset(&t, address).await;
    let first = t.smtp.wait_for_nth_message(address, 1, MAIL_WAIT).await;

    // Act
    request_reset(&t, address).await;
    let second = t.smtp.wait_for_nth_message(address, 2, MAIL_WAIT).await;

    // Assert
    assert_eq!(t.get_page(&t.link(&first, RESET)).await.status, 400);
    assert_eq!(t.get_page(&t.link(&second, RESET)).await.status, 200);
}

#[tokio::test]
async fn an_email_verification_link_verifies_the_address_once_and_not_on_get() {
    // Arrange
    let t = spawn().await;
    let address = "verify.me@example.com";
    let user: UserId = t.create_active_user(address, OLD_PASSWORD).await;
    t.sql("update identity.users set email_verified_at = null", vec![]).await;
    accounts::send_email_verification(&t.state, user).await.unwrap();
    let message = t.smtp.wait_for_message(address, MAIL_WAIT).await;
    let link = t.link(&message, "/account/verify-email");

    // Act
    let page = t.get_page(&link).await;
    let shown_again = t.get_page(&link).await;
    let verified_after_get = t.user_row(address).await.try_get::<bool>("", "verified").unwrap();
    let fields = [("csrf", page.hidden("csrf")), ("token", page.hidden("token"))];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let confirmed = t.post_form("/account/verify-email", page.csrf_cookie.as_deref(), &fields).await;
    let again = t.post_form("/account/verify-email", page.csrf_cookie.as_deref(), &fields).await;

    // Assert
    assert_eq!((page.status, shown_again.status), (200, 200));
    assert!(!verified_after_get, "opening the link must not spend it");
    assert_eq!(confirmed.status, 200);
    assert!(t.user_row(address).await.try_get::<bool>("", "verified").unwrap());
    assert_eq!(again.status, 400);
}
