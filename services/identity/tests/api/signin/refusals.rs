//! Authorization requests refused with the right outcome: untrusted client or redirect_uri
//! on our own page (never a redirect), everything else as an OAuth error redirect with the
//! state; and the sign-in form without its CSRF token.

use super::harness::{PASSWORD, REDIRECT, STATE, spawn};

/// A case name, the changes to the authorize query, and the expected `error`.
type Case = (&'static str, &'static [(&'static str, Option<&'static str>)], &'static str);

#[tokio::test]
async fn an_unregistered_prefix_matched_or_foreign_redirect_uri_gets_an_error_page_and_no_redirect() {
    // Arrange
    let t = spawn().await;
    let browser = t.browser();
    let cases = [
        ("another host", Some("https://evil.example/callback")),
        ("prefix match", Some("http://127.0.0.1:9/callback/../steal")),
        ("longer path", Some("http://127.0.0.1:9/callbackx")),
        ("trailing slash", Some("http://127.0.0.1:9/callback/")),
        ("extra query", Some("http://127.0.0.1:9/callback?next=https://evil.example")),
        ("other port", Some("http://127.0.0.1:10/callback")),
        ("missing", None),
    ];

    for (case, redirect_uri) in cases {
        // Act
        let page = browser.authorize(&[("redirect_uri", redirect_uri)]).await;

        // Assert
        assert_eq!(page.status, 400, "{case}: {}", page.body);
        assert!(page.location.is_none(), "{case}: redirected to {:?}", page.location);
        assert!(page.body.contains("not registered"), "{case}: {}", page.body);
    }
    assert_eq!(t.count("select count(*) from identity.authorization_requests", vec![]).await, 0);
}

#[tokio::test]
async fn an_unknown_client_gets_an_error_page_even_with_a_redirect_uri() {
    let t = spawn().await;

    let page = t.browser().authorize(&[("client_id", Some("unknown-app"))]).await;

    assert_eq!(page.status, 400);
    assert!(page.location.is_none(), "{:?}", page.location);
}

#[tokio::test]
async fn missing_or_plain_pkce_and_bad_parameters_are_error_redirects_with_the_state() {
    // Arrange
    let t = spawn().await;
    let browser = t.browser();
    let cases: [Case; 8] = [
        ("no challenge", &[("code_challenge", None)], "invalid_request"),
        ("plain", &[("code_challenge_method", Some("plain"))], "invalid_request"),
        ("no method (= plain)", &[("code_challenge_method", None)], "invalid_request"),
        ("malformed challenge", &[("code_challenge", Some("short"))], "invalid_request"),
        ("implicit flow", &[("response_type", Some("token"))], "unsupported_response_type"),
        ("unknown scope", &[("scope", Some("openid records:admin"))], "invalid_scope"),
        ("no openid", &[("scope", Some("email"))], "invalid_scope"),
        ("api scope", &[("scope", Some("openid records:read"))], "invalid_scope"),
    ];

    for (case, changes, error) in cases {
        // Act
        let page = browser.authorize(changes).await;

        // Assert
        assert_eq!(page.status, 303, "{case}: {}", page.body);
        assert!(page.location.as_deref().unwrap().starts_with(&format!("{REDIRECT}?error=")), "{case}");
        assert_eq!(page.redirect_param("error").as_deref(), Some(error), "{case}");
        assert_eq!(page.redirect_param("state").as_deref(), Some(STATE), "{case}");
        assert!(page.redirect_param("code").is_none(), "{case}");
    }
}

#[tokio::test]
async fn the_sign_in_form_without_its_csrf_token_is_403_and_starts_no_session() {
    // Arrange
    let t = spawn().await;
    let tenant = t.tenant("Lakeside").await;
    t.person("csrf@example.com", &[(tenant, &["client"])]).await;
    let browser = t.browser();
    let page = browser.authorize(&[]).await;
    let (request, token) = (page.hidden("request"), page.hidden("csrf"));
    let forged_token = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    // Act
    let without = browser
        .post("/oauth2/login", &[("request", &request), ("email", "csrf@example.com"), ("password", PASSWORD)])
        .await;
    let forged_fields =
        [("csrf", forged_token), ("request", &request), ("email", "csrf@example.com"), ("password", PASSWORD)];
    let forged = browser.post("/oauth2/login", &forged_fields).await;
    // Another browser (without this page's CSRF cookie) posting its token: the cross-site case.
    let other_fields =
        [("csrf", token.as_str()), ("request", &request), ("email", "csrf@example.com"), ("password", PASSWORD)];
    let other = t.browser().post("/oauth2/login", &other_fields).await;

    // Assert
    for (case, response) in [("missing", &without), ("forged", &forged), ("cross-site", &other)] {
        assert_eq!(response.status, 403, "{case}: {}", response.body);
        assert!(response.cookie("tp_session").is_none(), "{case}");
    }
    assert_eq!(t.count("select count(*) from identity.sessions", vec![]).await, 0);
}
