//! Automatic logoff and sign-out: an idle or expired session is signed out when next seen
//! (its refresh tokens refused, its sid revoked for verifiers); RP-initiated logout ends
//! the session and redirects only to a registered URI.

use tp_ids::SessionId;

use super::harness::{POST_LOGOUT, REDIRECT, SignInApp, claims, spawn};

/// Signs `address` in through a browser and exchanges the code; the browser, the session
/// and the token response.
async fn signed_in(t: &SignInApp, address: &str) -> (super::harness::Browser, SessionId, serde_json::Value) {
    let tenant = t.tenant("Lakeside").await;
    let user = t.person(address, &[(tenant, &["client"])]).await;
    let browser = t.browser();
    let code = browser.authorize_and_sign_in(address).await.code();
    let (status, tokens) = t.exchange(&code, REDIRECT).await;
    assert_eq!(status, 200, "{tokens}");
    assert!(tokens["refresh_token"].is_string(), "{tokens}");
    (browser, t.latest_session(user).await.0, tokens)
}

#[tokio::test]
async fn an_idle_session_is_signed_out_its_refresh_token_refused_and_its_sid_revoked() {
    // Arrange
    let t = spawn().await;
    let (browser, session, tokens) = signed_in(&t, "idle@example.com").await;
    // The practice's idle timeout is the default 15 minutes.
    t.sql("update identity.sessions set last_seen_at = now() - interval '16 minutes'", vec![]).await;

    // Act
    let page = browser.authorize(&[]).await;
    let (status, body) = t.refresh(tokens["refresh_token"].as_str().unwrap()).await;

    // Assert
    assert!(page.is_sign_in_page(), "idle session must sign in again: {:?} {}", page.location, page.body);
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
    assert!(t.is_sid_revoked(session).await, "verifiers must refuse the session's access tokens");
    let sql = "select count(*) from identity.sessions where id = $1 and revoked_at is not null";
    assert_eq!(t.count(sql, vec![(*session.as_uuid()).into()]).await, 1);
    assert_eq!(
        session_events(&t, session).await,
        ["identity.sign_in.succeeded", "identity.token.issued", "identity.session.expired"]
    );
}

/// The audit trail of `session` (its subject), oldest first, within its practice.
async fn session_events(t: &SignInApp, session: SessionId) -> Vec<String> {
    let sql = "select action from audit.events where subject_kind = 'session' and subject_id = $1 \
               and tenant_id is not null order by occurred_at, id";
    let rows = t.sql(sql, vec![session.to_string().into()]).await;
    rows.iter().map(|r| r.try_get::<String>("", "action").unwrap()).collect()
}

#[tokio::test]
async fn a_session_within_its_idle_timeout_stays_signed_in_until_its_practice_shortens_it() {
    // Arrange
    let t = spawn().await;
    let (browser, session, _) = signed_in(&t, "policy@example.com").await;
    t.sql("update identity.sessions set last_seen_at = now() - interval '10 minutes'", vec![]).await;
    let within = browser.authorize(&[]).await;
    t.sql("update identity.sessions set last_seen_at = now() - interval '10 minutes'", vec![]).await;
    t.sql("update identity.tenants set idle_timeout_secs = 300", vec![]).await;

    // Act
    let shortened = browser.authorize(&[]).await;

    // Assert
    assert_eq!(within.status, 303, "ten minutes idle is within the default: {}", within.body);
    assert!(shortened.is_sign_in_page(), "{}", shortened.body);
    assert!(t.is_sid_revoked(session).await);
}

#[tokio::test]
async fn a_session_past_its_absolute_expiry_signs_in_again() {
    let t = spawn().await;
    let (browser, session, tokens) = signed_in(&t, "absolute@example.com").await;
    t.sql("update identity.sessions set expires_at = now() - interval '1 second'", vec![]).await;

    let page = browser.authorize(&[]).await;

    assert!(page.is_sign_in_page(), "{}", page.body);
    assert_eq!(t.refresh(tokens["refresh_token"].as_str().unwrap()).await.0, 400);
    assert!(t.is_sid_revoked(session).await);
}

#[tokio::test]
async fn the_session_expiry_is_capped_by_the_chosen_practices_absolute_timeout() {
    let t = spawn().await;
    let tenant = t.tenant("Short Days").await;
    t.sql("update identity.tenants set absolute_timeout_secs = 3600", vec![]).await;
    let user = t.person("capped@example.com", &[(tenant, &["client"])]).await;

    t.browser().authorize_and_sign_in("capped@example.com").await.code();

    let sql = "select count(*) from identity.sessions where user_id = $1 \
               and expires_at between auth_time + interval '59 minutes' and auth_time + interval '61 minutes'";
    assert_eq!(t.count(sql, vec![(*user.as_uuid()).into()]).await, 1);
}

#[tokio::test]
async fn end_session_with_a_hint_ends_the_session_and_its_refresh_tokens_and_redirects_to_the_registered_uri() {
    // Arrange
    let t = spawn().await;
    let (browser, session, tokens) = signed_in(&t, "bye@example.com").await;
    let hint = tokens["id_token"].as_str().unwrap();
    assert_eq!(claims(hint)["sid"], session.to_string());
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([("id_token_hint", hint), ("post_logout_redirect_uri", POST_LOGOUT), ("state", "bye-1")])
        .finish();

    // Act
    let page = browser.get(&format!("/oauth2/end-session?{query}")).await;

    // Assert
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(page.location.as_deref(), Some(format!("{POST_LOGOUT}?state=bye-1").as_str()));
    assert!(page.cookie("tp_session").is_some_and(|c| c.contains("tp_session=;") || c.contains("Max-Age=0")));
    let (status, body) = t.refresh(tokens["refresh_token"].as_str().unwrap()).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
    assert!(t.is_sid_revoked(session).await);
    let sql = "select count(*) from identity.refresh_tokens where session_id = $1 and revoked_at is null";
    assert_eq!(t.count(sql, vec![(*session.as_uuid()).into()]).await, 0);
    assert!(browser.authorize(&[]).await.is_sign_in_page(), "signed out");
    assert_eq!(
        session_events(&t, session).await,
        ["identity.sign_in.succeeded", "identity.token.issued", "identity.session.ended"]
    );
}

#[tokio::test]
async fn end_session_never_redirects_to_an_unregistered_post_logout_uri() {
    // Arrange
    let t = spawn().await;
    let (browser, session, tokens) = signed_in(&t, "nowhere@example.com").await;
    let hint = tokens["id_token"].as_str().unwrap();

    for uri in ["https://evil.example/", "http://127.0.0.1:9/signed-out/x", REDIRECT] {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs([("id_token_hint", hint), ("post_logout_redirect_uri", uri)])
            .finish();

        // Act
        let page = browser.get(&format!("/oauth2/end-session?{query}")).await;

        // Assert
        assert_eq!(page.status, 200, "{uri}: {:?}", page.location);
        assert!(page.location.is_none(), "{uri}");
        assert!(page.body.contains("You have signed out"), "{uri}");
    }
    assert!(t.is_sid_revoked(session).await, "the hinted session still ends");
}

#[tokio::test]
async fn end_session_without_a_valid_hint_asks_first_and_never_redirects() {
    // Arrange
    let t = spawn().await;
    let (browser, session, tokens) = signed_in(&t, "confirm@example.com").await;
    let forged = {
        let token = tokens["id_token"].as_str().unwrap();
        let (rest, _) = token.rsplit_once('.').unwrap();
        format!("{rest}.AAAA")
    };
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([("id_token_hint", forged.as_str()), ("post_logout_redirect_uri", POST_LOGOUT)])
        .finish();

    // Act
    let asked = browser.get(&format!("/oauth2/end-session?{query}")).await;
    let still_signed_in = browser.authorize(&[]).await;
    let confirmed = browser.post("/oauth2/end-session", &[("csrf", &asked.hidden("csrf"))]).await;

    // Assert
    assert_eq!(asked.status, 200);
    assert!(asked.location.is_none(), "{:?}", asked.location);
    assert_eq!(still_signed_in.status, 303, "a link alone signs nobody out");
    assert_eq!(confirmed.status, 200);
    assert!(confirmed.location.is_none());
    assert!(t.is_sid_revoked(session).await);
    assert!(browser.authorize(&[]).await.is_sign_in_page());
}

#[tokio::test]
async fn artefacts_expired_for_over_a_day_are_swept_and_everything_else_stays() {
    // Arrange: two signed-in people; the first one's session, code and refresh tokens are
    // made to have expired two days ago.
    let t = spawn().await;
    let (_, old, _) = signed_in(&t, "old@example.com").await;
    let (_, live, _) = signed_in(&t, "live@example.com").await;
    let id = vec![(*old.as_uuid()).into()];
    for table in ["sessions", "refresh_tokens", "authorization_codes"] {
        let column = if table == "sessions" { "id" } else { "session_id" };
        let sql = format!("update identity.{table} set expires_at = now() - interval '2 days' where {column} = $1");
        t.sql(&sql, id.clone()).await;
    }
    let count = |table: &'static str, column: &'static str, session: SessionId| {
        let sql = format!("select count(*) from identity.{table} where {column} = $1");
        let t = &t;
        async move { t.count(&sql, vec![(*session.as_uuid()).into()]).await }
    };

    // Act
    let deleted = tp_identity::sweeper::sweep_once(&t.state, tp_identity::sweeper::GRACE_SECS).await.unwrap();

    // Assert
    assert_eq!(deleted, 3, "the old session, its code and its refresh token");
    assert_eq!(count("sessions", "id", old).await, 0);
    assert_eq!(count("refresh_tokens", "session_id", old).await, 0);
    // The live person's rows stay, their used code too (expired, but within the grace day).
    assert_eq!(count("sessions", "id", live).await, 1);
    assert_eq!(count("refresh_tokens", "session_id", live).await, 1);
    assert_eq!(count("authorization_codes", "session_id", live).await, 1);
}
