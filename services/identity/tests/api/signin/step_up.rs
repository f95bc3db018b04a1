//! The MFA policy holds for the practice a code or token is for, whenever it is issued, not
//! only as it was at the password step: a practice that became available, a tightened
//! policy, a new operator, a practice chosen later all ask for the second factor first.

use super::harness::{REDIRECT, SignInApp, claims, spawn, totp_code};
use tp_ids::TenantId;

/// Runs `sql` with `$1` = `tenant` (suspending, reactivating, changing its policy).
async fn on_tenant(t: &SignInApp, sql: &str, tenant: TenantId) {
    t.sql(sql, vec![(*tenant.as_uuid()).into()]).await;
}

#[tokio::test]
async fn a_practice_that_becomes_available_after_sign_in_asks_for_the_second_factor_before_any_code() {
    // Arrange: (case, how the practice is unavailable at sign-in, how it becomes available)
    let t = spawn().await;
    let cases = [
        (
            "suspended practice",
            "update identity.tenants set status = 'suspended' where id = $1",
            "update identity.tenants set status = 'active' where id = $1",
        ),
        (
            "pending invitation",
            "update identity.memberships set status = 'invited' where tenant_id = $1",
            "update identity.memberships set status = 'active' where tenant_id = $1",
        ),
    ];

    for (case, unavailable, available) in cases {
        let tenant = t.tenant(case).await;
        let address = format!("{}@example.com", case.replace(' ', "."));
        let user = t.person(&address, &[(tenant, &["clinician"])]).await;
        on_tenant(&t, unavailable, tenant).await;
        let browser = t.browser();
        let codes_before = t.codes_issued().await;

        // Act: signed in with no practice (and so no second factor owed); then the
        // practice becomes available and the same browser authorizes again.
        let no_practice = browser.authorize_and_sign_in(&address).await;
        let stage_then = t.latest_session(user).await.1;
        on_tenant(&t, available, tenant).await;
        let next = browser.authorize(&[]).await;

        // Assert: the enrolment, no code, no practice fixed.
        assert_eq!((no_practice.status, stage_then.as_str()), (403, "authenticated"), "{case}: {}", no_practice.body);
        assert!(next.location.is_none() && next.body.contains("/oauth2/mfa/enroll"), "{case}: {}", next.body);
        let (_, stage, chosen) = t.latest_session(user).await;
        assert_eq!((stage.as_str(), chosen), ("mfa_enroll", None), "{case}");
        assert_eq!(t.codes_issued().await, codes_before, "{case}: a code was issued without MFA");

        // Enrolling completes the sign-in, with a code for the practice.
        let codes = browser.enrol(&next, &totp_code(&next.element("totp-secret"), 0)).await;
        let done = browser.get(&format!("/oauth2/authorize/continue?request={}", codes.hidden("request"))).await;
        let (status, tokens) = t.exchange(&done.code(), REDIRECT).await;
        assert_eq!(status, 200, "{case}: {tokens}");
        assert_eq!(claims(tokens["access_token"].as_str().unwrap())["tid"], tenant.to_string(), "{case}");
    }
}

#[tokio::test]
async fn a_tightened_policy_stops_refreshes_of_a_session_without_the_second_factor_until_it_is_given() {
    // Arrange: a client (no second factor required) signed in and holds a refresh token.
    let t = spawn().await;
    let tenant = t.tenant("Lakeside").await;
    let user = t.person("client@example.com", &[(tenant, &["client"])]).await;
    let browser = t.browser();
    let (status, tokens) =
        t.exchange(&browser.authorize_and_sign_in("client@example.com").await.code(), REDIRECT).await;
    assert_eq!(status, 200, "{tokens}");
    let refresh_token = tokens["refresh_token"].as_str().unwrap().to_owned();
    // The person sets up an authenticator; the practice now requires MFA of clients.
    let secret = t.enrol_totp(user).await;
    on_tenant(&t, "update identity.tenants set mfa_required_roles = '{client}' where id = $1", tenant).await;

    // Act
    let (refused, body) = t.refresh(&refresh_token).await;
    let page = browser.authorize(&[]).await;

    // Assert: the refresh is refused and the browser is asked for the second factor.
    assert_eq!((refused, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
    assert!(page.is_second_factor_page() && page.location.is_none(), "{}", page.body);
    assert_eq!(t.latest_session(user).await.1, "mfa");
    assert_eq!(t.codes_issued().await, 1, "only the code before the policy changed");

    // With the second factor given, the same session gets a code and refreshes again.
    let done = browser.second_factor(&page, &totp_code(&secret, 30)).await;
    let (status, tokens) = t.exchange(&done.code(), REDIRECT).await;
    assert_eq!(status, 200, "{tokens}");
    let (status, body) = t.refresh(tokens["refresh_token"].as_str().unwrap()).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn a_person_made_a_platform_operator_after_signing_in_owes_a_second_factor_before_an_operator_code() {
    // Arrange
    let t = spawn().await;
    let user = t.person("soon.operator@example.com", &[]).await;
    let browser = t.browser();
    let no_practice = browser.authorize_and_sign_in("soon.operator@example.com").await;
    assert_eq!(no_practice.status, 403, "{}", no_practice.body);
    t.sql(
        "update identity.users set platform_role = 'platform_operator' where id = $1",
        vec![(*user.as_uuid()).into()],
    )
    .await;

    // Act
    let next = browser.authorize(&[]).await;

    // Assert
    assert!(next.location.is_none() && next.body.contains("/oauth2/mfa/enroll"), "{}", next.body);
    assert_eq!(t.latest_session(user).await.1, "mfa_enroll");
    assert_eq!(t.codes_issued().await, 0);
}

#[tokio::test]
async fn choosing_a_practice_whose_policy_now_requires_a_second_factor_asks_for_it_before_choosing() {
    // Arrange: staff in two practices, no second factor owed at sign-in.
    let t = spawn().await;
    let (a, b) = (t.tenant("Alder").await, t.tenant("Birch").await);
    let user = t.person("staff@example.com", &[(a, &["staff"]), (b, &["staff"])]).await;
    let browser = t.browser();
    let chooser = browser.authorize_and_sign_in("staff@example.com").await;
    assert!(chooser.body.contains("action=\"/oauth2/tenant\""), "{}", chooser.body);
    on_tenant(&t, "update identity.tenants set mfa_required_roles = '{staff}' where id = $1", b).await;

    // Act
    let fields = [("csrf", chooser.hidden("csrf")), ("request", chooser.hidden("request")), ("tenant", b.to_string())];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let chosen = browser.post("/oauth2/tenant", &fields).await;

    // Assert
    assert!(chosen.location.is_none() && chosen.body.contains("/oauth2/mfa/enroll"), "{}", chosen.body);
    assert_eq!(t.latest_session(user).await.1, "mfa_enroll");
    assert_eq!(t.latest_session(user).await.2, None, "the practice was chosen before the second factor");
    assert_eq!(t.codes_issued().await, 0);
}
