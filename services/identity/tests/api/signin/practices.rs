//! The practice chooser: several practices offer a choice, the token is for the chosen
//! one, a forged choice is refused, inactive practices are never offered, and nobody
//! without a practice gets a code.

use super::harness::{REDIRECT, claims, spawn};

#[tokio::test]
async fn a_person_in_two_practices_chooses_one_and_the_token_is_for_that_one() {
    // Arrange
    let t = spawn().await;
    let (a, b) = (t.tenant("Alder Practice").await, t.tenant("Birch Practice").await);
    let user = t.person("two@example.com", &[(a, &["client"]), (b, &["staff"])]).await;
    let browser = t.browser();

    // Act
    let chooser = browser.authorize_and_sign_in("two@example.com").await;

    // Assert
    assert_eq!(chooser.status, 200, "{}", chooser.body);
    assert!(chooser.body.contains("Alder Practice") && chooser.body.contains("Birch Practice"));
    assert_eq!(chooser.body.matches("action=\"/oauth2/tenant\"").count(), 2);
    let fields = [("csrf", chooser.hidden("csrf")), ("request", chooser.hidden("request")), ("tenant", b.to_string())];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let chosen = browser.post("/oauth2/tenant", &fields).await;
    let (status, tokens) = t.exchange(&chosen.code(), REDIRECT).await;
    assert_eq!(status, 200, "{tokens}");
    let access = claims(tokens["access_token"].as_str().unwrap());
    assert_eq!(access["tid"], b.to_string());
    assert_eq!(access["roles"], serde_json::json!(["staff"]));
    assert_eq!(t.latest_session(user).await.2, Some(*b.as_uuid()));
    // The choice holds for the session: the next authorization needs no page.
    let next = browser.authorize(&[]).await;
    let (_, tokens) = t.exchange(&next.code(), REDIRECT).await;
    assert_eq!(claims(tokens["access_token"].as_str().unwrap())["tid"], b.to_string());
}

#[tokio::test]
async fn a_forged_practice_on_the_chooser_is_refused_and_issues_no_code() {
    // Arrange
    let t = spawn().await;
    let (a, b, other) = (t.tenant("Alder").await, t.tenant("Birch").await, t.tenant("Not Mine").await);
    let user = t.person("forger@example.com", &[(a, &["client"]), (b, &["client"])]).await;
    // A removed membership is not a membership either.
    t.person("someone@example.com", &[(other, &["client"])]).await;
    let browser = t.browser();
    let chooser = browser.authorize_and_sign_in("forger@example.com").await;

    // Act
    let mut outcomes = Vec::new();
    for forged in [other.to_string(), "not-a-uuid".to_owned()] {
        let fields = [("csrf", chooser.hidden("csrf")), ("request", chooser.hidden("request")), ("tenant", forged)];
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        outcomes.push(browser.post("/oauth2/tenant", &fields).await);
    }

    // Assert
    for page in &outcomes {
        assert_eq!(page.status, 403, "{}", page.body);
        assert!(page.location.is_none());
    }
    assert_eq!(t.latest_session(user).await.2, None);
    assert_eq!(t.codes_issued().await, 0);
}

#[tokio::test]
async fn suspended_practices_and_removed_memberships_are_never_offered() {
    // Arrange
    let t = spawn().await;
    let (active, suspended, left) = (t.tenant("Active").await, t.tenant("Suspended").await, t.tenant("Left").await);
    t.person("choosy@example.com", &[(active, &["client"]), (suspended, &["client"]), (left, &["client"])]).await;
    t.sql("update identity.tenants set status = 'suspended' where id = $1", vec![(*suspended.as_uuid()).into()]).await;
    t.sql("update identity.memberships set status = 'removed' where tenant_id = $1", vec![(*left.as_uuid()).into()])
        .await;
    let browser = t.browser();

    // Act
    let signed_in = browser.authorize_and_sign_in("choosy@example.com").await;

    // Assert: one practice left, so no chooser at all.
    let (_, tokens) = t.exchange(&signed_in.code(), REDIRECT).await;
    assert_eq!(claims(tokens["access_token"].as_str().unwrap())["tid"], active.to_string());
}

#[tokio::test]
async fn a_person_without_an_active_practice_sees_an_error_page_and_gets_no_code() {
    let t = spawn().await;
    t.person("orphan@example.com", &[]).await;

    let page = t.browser().authorize_and_sign_in("orphan@example.com").await;

    assert_eq!(page.status, 403, "{}", page.body);
    assert!(page.location.is_none());
    assert_eq!(t.codes_issued().await, 0);
}
