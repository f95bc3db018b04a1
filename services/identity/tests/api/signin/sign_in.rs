//! Password sign-in to a code: the happy path, single sign-on, the session cookie,
//! session fixation, prompt handling and the lockout as the page shows it.

use super::harness::{NONCE, PASSWORD, Page, REDIRECT, REDIRECT_WITH_QUERY, STATE, claims, spawn};

#[tokio::test]
async fn a_client_signs_in_with_a_password_and_the_code_yields_tokens_for_their_only_practice() {
    // Arrange
    let t = spawn().await;
    let tenant = t.tenant("Lakeside").await;
    let user = t.person("ada@example.com", &[(tenant, &["client"])]).await;
    let browser = t.browser();

    // Act
    let page = browser.authorize(&[]).await;
    let signed_in = browser.sign_in(&page, "ada@example.com", PASSWORD).await;

    // Assert
    assert!(page.is_sign_in_page(), "{}", page.body);
    assert!(page.cookie("tp_csrf").is_some(), "the form's CSRF cookie is set");
    let sso = format!(
        "action=\"/federation/start\"><input type=\"hidden\" name=\"request\" value=\"{}\"",
        page.hidden("request")
    );
    assert!(page.body.contains(&sso), "the page offers the practice's own sign-in for this request: {}", page.body);
    let location = signed_in.location.clone().unwrap();
    assert!(location.starts_with(&format!("{REDIRECT}?code=")), "{location}");
    let code = signed_in.code();
    let cookie = signed_in.cookie("tp_session").expect("a session cookie").to_lowercase();
    for attribute in ["httponly", "samesite=lax", "path=/"] {
        assert!(cookie.contains(attribute), "{attribute} missing: {cookie}");
    }
    assert!(!cookie.contains("secure"), "plain http in test: {cookie}");
    let csrf = |page: &Page| page.cookie("tp_csrf").map(|c| c.split(';').next().unwrap().to_owned());
    assert!(csrf(&signed_in).is_some() && csrf(&signed_in) != csrf(&page), "the CSRF token is rotated at sign-in");
    let (status, tokens) = t.exchange(&code, REDIRECT).await;
    assert_eq!(status, 200, "{tokens}");
    let access = claims(tokens["access_token"].as_str().unwrap());
    let (session, stage, session_tenant) = t.latest_session(user).await;
    assert_eq!(access["tid"], tenant.to_string());
    assert_eq!(access["sid"], session.to_string());
    assert_eq!(access["sub"], user.to_string());
    assert_eq!((stage.as_str(), session_tenant), ("authenticated", Some(*tenant.as_uuid())));
    assert_eq!(claims(tokens["id_token"].as_str().unwrap())["nonce"], NONCE);
}

#[tokio::test]
async fn a_live_session_gets_the_next_code_without_a_page_and_its_idle_timer_restarts() {
    // Arrange
    let t = spawn().await;
    let tenant = t.tenant("Lakeside").await;
    let user = t.person("sso@example.com", &[(tenant, &["client"])]).await;
    let browser = t.browser();
    browser.authorize_and_sign_in("sso@example.com").await.code();
    t.sql("update identity.sessions set last_seen_at = now() - interval '5 minutes'", vec![]).await;

    // Act
    let again = browser.authorize(&[]).await;

    // Assert
    let code = again.code();
    assert_eq!(t.exchange(&code, REDIRECT).await.0, 200);
    let sql =
        "select count(*) from identity.sessions where user_id = $1 and last_seen_at > now() - interval '1 minute'";
    assert_eq!(t.count(sql, vec![(*user.as_uuid()).into()]).await, 1, "authorize touched last_seen_at");
    assert_eq!(t.count("select count(*) from identity.sessions", vec![]).await, 1, "no second session");
}

#[tokio::test]
async fn the_registered_query_of_the_redirect_uri_is_kept_and_the_state_is_encoded() {
    // Arrange
    let t = spawn().await;
    let tenant = t.tenant("Lakeside").await;
    t.person("query@example.com", &[(tenant, &["client"])]).await;
    let browser = t.browser();
    let odd_state = "a b&c=d/é";

    // Act
    let page = browser.authorize(&[("redirect_uri", Some(REDIRECT_WITH_QUERY)), ("state", Some(odd_state))]).await;
    let signed_in = browser.sign_in(&page, "query@example.com", PASSWORD).await;

    // Assert
    let location = signed_in.location.clone().unwrap();
    assert!(location.starts_with(&format!("{REDIRECT_WITH_QUERY}&code=")), "{location}");
    assert_eq!(signed_in.redirect_param("app").as_deref(), Some("practice"));
    assert_eq!(signed_in.redirect_param("state").as_deref(), Some(odd_state));
    let code = signed_in.redirect_param("code").unwrap();
    assert_eq!(t.exchange(&code, REDIRECT_WITH_QUERY).await.0, 200);
}

#[tokio::test]
async fn signing_in_again_always_starts_a_new_session_with_a_new_cookie() {
    // Arrange
    let t = spawn().await;
    let tenant = t.tenant("Lakeside").await;
    let user = t.person("fixation@example.com", &[(tenant, &["client"])]).await;
    let browser = t.browser();
    let first = browser.authorize_and_sign_in("fixation@example.com").await;
    first.code();
    let (first_session, _, _) = t.latest_session(user).await;

    // Act: prompt=login shows the sign-in page despite the live session.
    let page = browser.authorize(&[("prompt", Some("login"))]).await;
    let second = browser.sign_in(&page, "fixation@example.com", PASSWORD).await;

    // Assert
    assert!(page.is_sign_in_page(), "prompt=login asks again: {}", page.body);
    let code = second.code();
    let (second_session, _, _) = t.latest_session(user).await;
    assert_ne!(first_session, second_session);
    assert_ne!(first.cookie("tp_session"), second.cookie("tp_session"));
    let (_, tokens) = t.exchange(&code, REDIRECT).await;
    assert_eq!(claims(tokens["access_token"].as_str().unwrap())["sid"], second_session.to_string());
}

#[tokio::test]
async fn prompt_none_without_a_session_redirects_login_required_with_the_state() {
    let t = spawn().await;
    let browser = t.browser();

    let page = browser.authorize(&[("prompt", Some("none"))]).await;

    assert_eq!(page.status, 303, "{}", page.body);
    assert!(page.location.as_deref().unwrap().starts_with(REDIRECT));
    assert_eq!(page.redirect_param("error").as_deref(), Some("login_required"));
    assert_eq!(page.redirect_param("state").as_deref(), Some(STATE));
}

#[tokio::test]
async fn prompt_none_with_a_live_session_gets_a_code() {
    let t = spawn().await;
    let tenant = t.tenant("Lakeside").await;
    t.person("silent@example.com", &[(tenant, &["client"])]).await;
    let browser = t.browser();
    browser.authorize_and_sign_in("silent@example.com").await.code();

    let page = browser.authorize(&[("prompt", Some("none"))]).await;

    assert_eq!(t.exchange(&page.code(), REDIRECT).await.0, 200);
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_account_and_the_right_one_then_reads_the_same_refusal() {
    // Arrange
    let t = spawn().await;
    let tenant = t.tenant("Lakeside").await;
    t.person("locked@example.com", &[(tenant, &["client"])]).await;
    let browser = t.browser();
    let mut page = browser.authorize(&[]).await;
    let mut refusals = Vec::new();

    // Act
    for _ in 0..5 {
        page = browser.sign_in(&page, "locked@example.com", "not the password, not even close").await;
        refusals.push(page.body.clone());
    }
    let right = browser.sign_in(&page, "locked@example.com", PASSWORD).await;
    let unknown = browser.sign_in(&page, "nobody@example.com", PASSWORD).await;

    // Assert
    let message = "Wrong email or password, or too many attempts: try again later.";
    for (i, body) in refusals.iter().enumerate() {
        assert!(body.contains(message), "attempt {i}: {body}");
    }
    assert_eq!(right.status, 422, "the right password is refused while locked: {:?}", right.location);
    assert!(right.body.contains(message) && unknown.body.contains(message));
    assert!(right.cookie("tp_session").is_none());
    assert_eq!(t.count("select count(*) from identity.sessions", vec![]).await, 0);
    assert_eq!(t.codes_issued().await, 0);
}

#[tokio::test]
async fn max_age_asks_for_a_new_sign_in_when_the_last_one_is_older() {
    // Arrange
    let t = spawn().await;
    let tenant = t.tenant("Lakeside").await;
    t.person("max.age@example.com", &[(tenant, &["client"])]).await;
    let browser = t.browser();
    browser.authorize_and_sign_in("max.age@example.com").await.code();
    t.sql("update identity.sessions set auth_time = now() - interval '10 minutes'", vec![]).await;

    // Act
    let recent_enough = browser.authorize(&[("max_age", Some("3600"))]).await;
    let too_old = browser.authorize(&[("max_age", Some("300"))]).await;

    // Assert
    assert_eq!(recent_enough.status, 303, "{}", recent_enough.body);
    assert!(too_old.is_sign_in_page(), "{:?}", too_old.location);
}

#[tokio::test]
async fn suspending_the_practice_signs_its_live_sessions_out() {
    let t = spawn().await;
    let tenant = t.tenant("Lakeside").await;
    t.person("suspended@example.com", &[(tenant, &["client"])]).await;
    let browser = t.browser();
    browser.authorize_and_sign_in("suspended@example.com").await.code();
    t.sql("update identity.tenants set status = 'suspended'", vec![]).await;

    let page = browser.authorize(&[]).await;

    assert!(page.is_sign_in_page(), "{:?}", page.location);
}
