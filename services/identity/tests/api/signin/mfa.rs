//! The second factor cannot be skipped: a session that still owes it gets no code from any
//! endpoint; a clinician without an authenticator enrols first.

use super::harness::{REDIRECT, claims, spawn, totp_code};

#[tokio::test]
async fn a_session_owing_its_second_factor_gets_no_code_from_any_step_until_the_right_code() {
    // Arrange
    let t = spawn().await;
    let tenant = t.tenant("Lakeside").await;
    let user = t.person("clinician@example.com", &[(tenant, &["clinician"])]).await;
    let secret = t.enrol_totp(user).await;
    let browser = t.browser();

    // Act + Assert: the password step leads to the second factor, not to a code.
    let mfa_page = browser.authorize_and_sign_in("clinician@example.com").await;
    assert!(mfa_page.is_second_factor_page(), "{}", mfa_page.body);
    assert!(mfa_page.location.is_none());
    let (session, stage, _) = t.latest_session(user).await;
    assert_eq!(stage, "mfa");

    // Authorizing again shows the second factor again.
    let again = browser.authorize(&[]).await;
    assert!(again.is_second_factor_page() && again.location.is_none(), "{}", again.body);

    // Posting the chooser with the person's real practice does not choose it nor issue.
    let chooser = browser
        .post(
            "/oauth2/tenant",
            &[("csrf", &again.hidden("csrf")), ("request", &again.hidden("request")), ("tenant", &tenant.to_string())],
        )
        .await;
    assert!(chooser.is_second_factor_page() && chooser.location.is_none(), "{}", chooser.body);
    assert_eq!(t.latest_session(user).await.2, None, "no practice was fixed");

    // The continue link a recovery-codes page uses does not help either.
    let continued = browser.get(&format!("/oauth2/authorize/continue?request={}", again.hidden("request"))).await;
    assert!(continued.is_second_factor_page() && continued.location.is_none());

    // A wrong code does not advance.
    let wrong = browser.second_factor(&again, &totp_code(&secret, -300)).await;
    assert_eq!(wrong.status, 422, "{}", wrong.body);
    assert!(wrong.body.contains("That code is not valid"));
    assert_eq!(t.latest_session(user).await.1, "mfa");
    assert_eq!(t.codes_issued().await, 0, "nothing to exchange");

    // The right code completes the sign-in with a code for the session.
    let done = browser.second_factor(&wrong, &totp_code(&secret, 30)).await;
    let (status, tokens) = t.exchange(&done.code(), REDIRECT).await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(claims(tokens["access_token"].as_str().unwrap())["sid"], session.to_string());
    let amr = t.sql("select amr from identity.sessions where id = $1", vec![(*session.as_uuid()).into()]).await;
    assert_eq!(amr[0].try_get::<Vec<String>>("", "amr").unwrap(), vec!["pwd", "otp"]);
}

#[tokio::test]
async fn a_clinician_without_an_authenticator_enrols_sees_recovery_codes_once_and_then_gets_a_code() {
    // Arrange
    let t = spawn().await;
    let tenant = t.tenant("Lakeside").await;
    let user = t.person("new.clinician@example.com", &[(tenant, &["clinician"])]).await;
    let browser = t.browser();

    // Act + Assert
    let enrol = browser.authorize_and_sign_in("new.clinician@example.com").await;
    assert!(enrol.body.contains("action=\"/oauth2/mfa/enroll\""), "{}", enrol.body);
    assert_eq!(t.latest_session(user).await.1, "mfa_enroll");
    let secret = enrol.element("totp-secret");
    assert!(enrol.element("otpauth-url").starts_with("otpauth://totp/"));
    assert!(enrol.element("otpauth-url").contains(&format!("secret={secret}")));

    let again = browser.authorize(&[]).await;
    assert!(again.location.is_none() && again.body.contains("/oauth2/mfa/enroll"), "no code before enrolment");
    let secret = again.element("totp-secret");

    let wrong = browser.enrol(&again, &totp_code(&secret, -300)).await;
    assert_eq!(wrong.status, 422);
    assert_eq!(wrong.element("totp-secret"), secret, "the same key is shown again");
    assert_eq!(t.latest_session(user).await.1, "mfa_enroll");

    let codes = browser.enrol(&wrong, &totp_code(&secret, 0)).await;
    assert_eq!(codes.status, 200, "{}", codes.body);
    assert_eq!(codes.body.matches("class=\"recovery-code\"").count(), 10);
    assert_eq!(t.latest_session(user).await.1, "authenticated");

    let done = browser.get(&format!("/oauth2/authorize/continue?request={}", codes.hidden("request"))).await;
    assert_eq!(t.exchange(&done.code(), REDIRECT).await.0, 200);
}

#[tokio::test]
async fn a_platform_operator_always_owes_a_second_factor_and_gets_a_token_without_a_tenant() {
    // Arrange
    let t = spawn().await;
    let user = t.person("operator@example.com", &[]).await;
    t.sql(
        "update identity.users set platform_role = 'platform_operator' where id = $1",
        vec![(*user.as_uuid()).into()],
    )
    .await;
    let browser = t.browser();

    // Act
    let enrol = browser.authorize_and_sign_in("operator@example.com").await;

    // Assert
    assert!(enrol.body.contains("/oauth2/mfa/enroll"), "operators must enrol: {}", enrol.body);
    let secret = enrol.element("totp-secret");
    let codes = browser.enrol(&enrol, &totp_code(&secret, 0)).await;
    let done = browser.get(&format!("/oauth2/authorize/continue?request={}", codes.hidden("request"))).await;
    let (status, tokens) = t.exchange(&done.code(), REDIRECT).await;
    assert_eq!(status, 200, "{tokens}");
    let access = claims(tokens["access_token"].as_str().unwrap());
    assert!(access.get("tid").is_none(), "{access}");
    assert_eq!(access["roles"], serde_json::json!(["platform_operator"]));
}
