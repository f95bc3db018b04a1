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
