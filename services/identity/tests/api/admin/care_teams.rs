//! Care teams: practice admins assign clinicians to clients; other services ask the internal
//! check with the caller's token, and the answer never crosses tenants.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::harness::admin_app;

#[tokio::test]
async fn assignments_are_checked_within_the_callers_own_practice_only() {
    // Arrange
    let app = admin_app().await;
    let (a, b) = (app.create_tenant("east").await, app.create_tenant("west").await);
    let admin = app.member(a, &["practice_admin"]).await;
    let clinician = app.member(a, &["clinician"]).await;
    let client = app.member(a, &["client"]).await;
    let stranger = app.member(b, &["clinician"]).await;
    let admin_token = app.token_of(&admin).await;
    let pair = json!({ "clinician_id": clinician.user, "client_id": client.user });
    let team = format!("/v1/tenants/{a}/care-team");

    // Act
    let (status, body) = app.call(&admin_token, Method::POST, &team, Some(pair.clone())).await;

    // Assert
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let check = format!("/internal/v1/care-team/check?clinician_id={}&client_id={}", clinician.user, client.user);
    let clinician_token = app.token_of(&clinician).await;
    let (status, answer) = app.call(&clinician_token, Method::GET, &check, None).await;
    assert_eq!((status, answer["assigned"].as_bool()), (StatusCode::OK, Some(true)));
    // A principal of another practice asks about the same ids: it learns nothing.
    let stranger_token = app.token_of(&stranger).await;
    let (status, answer) = app.call(&stranger_token, Method::GET, &check, None).await;
    assert_eq!((status, answer["assigned"].as_bool()), (StatusCode::OK, Some(false)));
    let (status, _) = app.call(&app.operator, Method::GET, &check, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "operators have no tenant");
    // A client may ask about their own care team only.
    let other_client = app.member(a, &["client"]).await;
    let other_token = app.token_of(&other_client).await;
    assert_eq!(app.call(&other_token, Method::GET, &check, None).await.0, StatusCode::FORBIDDEN);
    let client_token = app.token_of(&client).await;
    let (status, answer) = app.call(&client_token, Method::GET, &check, None).await;
    assert_eq!((status, answer["assigned"].as_bool()), (StatusCode::OK, Some(true)));

    let (status, list) = app.call(&admin_token, Method::GET, &team, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["assignments"].as_array().map(Vec::len), Some(1));
    let (status, _) = app.call(&admin_token, Method::DELETE, &team, Some(pair)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, answer) = app.call(&clinician_token, Method::GET, &check, None).await;
    assert_eq!(answer["assigned"].as_bool(), Some(false));
    let actions = app.audit_actions(a).await;
    assert!(
        actions.contains(&"identity.care_team.assigned".to_owned())
            && actions.contains(&"identity.care_team.unassigned".to_owned())
    );
}

#[tokio::test]
async fn only_an_active_clinician_and_client_of_the_practice_can_be_paired() {
    // Arrange
    let app = admin_app().await;
    let (a, b) = (app.create_tenant("south").await, app.create_tenant("other").await);
    let admin_token = app.token_of(&app.member(a, &["practice_admin"]).await).await;
    let clinician = app.member(a, &["clinician"]).await;
    let staff = app.member(a, &["staff"]).await;
    let outsider = app.member(b, &["client"]).await;
    let team = format!("/v1/tenants/{a}/care-team");

    // Act / Assert
    let both = app.member(a, &["clinician", "client"]).await;
    let pair = json!({ "clinician_id": both.user, "client_id": both.user });
    let (status, body) = app.call(&admin_token, Method::POST, &team, Some(pair)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "their own care team: {body}");
    // Someone who is not a client here, in this practice or another, reads as unknown.
    for (who, client) in [("staff as client", staff.user), ("another practice's client", outsider.user)] {
        let pair = json!({ "clinician_id": clinician.user, "client_id": client });
        let (status, body) = app.call(&admin_token, Method::POST, &team, Some(pair)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{who}: {body}");
    }
}

#[tokio::test]
async fn a_break_glass_notice_emails_the_practices_admins_only_for_a_clinician() {
    // Arrange: two admins in A (one removed), one in B.
    let smtp = tp_testkit::smtp::SmtpSink::start().await;
    let app = super::harness::admin_app_with_mail(&smtp).await;
    let (a, b) = (app.create_tenant("north").await, app.create_tenant("south").await);
    let admins = [app.member(a, &["practice_admin"]).await, app.member(a, &["practice_admin"]).await];
    let removed = app.member(a, &["practice_admin"]).await;
    let sql = "update identity.memberships set status = 'removed' where user_id = $1";
    app.oauth.sql(sql, vec![uuid::Uuid::from(removed.user).into()]).await;
    let other_admin = app.member(b, &["practice_admin"]).await;
    let clinician = app.token_of(&app.member(a, &["clinician"]).await).await;
    let notice = json!({ "grant_id": uuid::Uuid::now_v7() });
    let path = tp_identity_api::paths::BREAK_GLASS_NOTIFICATION;

    // Act
    let (status, body) = app.call(&clinician, Method::POST, path, Some(notice.clone())).await;

    // Assert: A's active admins, nobody else.
    assert_eq!((status, body["notified"].as_u64()), (StatusCode::ACCEPTED, Some(2)), "{body}");
    let email = |user: tp_ids::UserId| format!("{}@example.test", user.as_uuid().simple());
    for admin in &admins {
        smtp.wait_for_message(&email(admin.user), std::time::Duration::from_secs(10)).await;
    }
    assert!(smtp.messages_to(&email(removed.user)).is_empty());
    assert!(smtp.messages_to(&email(other_admin.user)).is_empty());
    // Only a role that may open a chart in an emergency may ask: not a client, not staff,
    // not an admin, not a machine.
    for roles in [&["client"][..], &["staff"], &["practice_admin"]] {
        let token = app.token_of(&app.member(a, roles).await).await;
        assert_eq!(app.call(&token, Method::POST, path, Some(notice.clone())).await.0, StatusCode::FORBIDDEN);
    }
    let machine = app.api_client_token(a, &["identity:read"]).await;
    assert_eq!(app.call(&machine, Method::POST, path, Some(notice)).await.0, StatusCode::FORBIDDEN);
}
