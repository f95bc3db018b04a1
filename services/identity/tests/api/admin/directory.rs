//! The practice directory (`/v1/tenants/{id}/users?ids=…`): names and roles of the
//! practice's own people, emails only for those who may read members.

use reqwest::{Method, StatusCode};
use serde_json::Value;
use tp_identity_api::paths::MAX_USER_LOOKUP;
use tp_ids::UserId;
use uuid::Uuid;

use super::harness::admin_app;

fn users(body: &Value) -> Vec<Value> {
    body.get("users").and_then(Value::as_array).cloned().unwrap_or_default()
}

#[tokio::test]
async fn the_directory_names_the_practices_own_people_and_shows_emails_to_admins_only() {
    // Arrange
    let app = admin_app().await;
    let (a, b) = (app.create_tenant("dir-a").await, app.create_tenant("dir-b").await);
    let admin = app.member(a, &["practice_admin"]).await;
    let clinician = app.member(a, &["clinician"]).await;
    let client = app.member(a, &["client"]).await;
    let stranger = app.member(b, &["client"]).await;
    let named = "update identity.users set display_name = 'Sam Client' where id = $1";
    app.oauth.sql(named, vec![Uuid::from(client.user).into()]).await;
    let ids = [client.user, stranger.user, UserId::generate(), admin.user];
    let query = ids.iter().map(ToString::to_string).collect::<Vec<_>>().join(",");
    let path = format!("/v1/tenants/{a}/users?ids={query}");
    let mut expected = vec![client.user.to_string(), admin.user.to_string()];
    expected.sort();

    // Act
    let (status, as_clinician) = app.call(&app.token_of(&clinician).await, Method::GET, &path, None).await;
    let admin_token = app.token_of(&admin).await;
    let (admin_status, as_admin) = app.call(&admin_token, Method::GET, &path, None).await;

    // Assert: A's people only (B's client and the unknown id are left out), by user id.
    assert_eq!(status, StatusCode::OK, "{as_clinician}");
    let listed: Vec<String> =
        users(&as_clinician).iter().map(|u| u["user_id"].as_str().unwrap_or("").to_owned()).collect();
    assert_eq!(listed, expected);
    let sam = users(&as_clinician).into_iter().find(|u| u["user_id"] == client.user.to_string()).unwrap_or_default();
    assert_eq!((sam["display_name"].as_str(), sam["roles"][0].as_str()), (Some("Sam Client"), Some("client")));
    assert!(users(&as_clinician).iter().all(|u| u["email"].is_null()), "no contact details: {as_clinician}");
    assert_eq!(admin_status, StatusCode::OK, "{as_admin}");
    assert!(users(&as_admin).iter().all(|u| u["email"].as_str().is_some_and(|e| e.ends_with("@example.test"))));
}

#[tokio::test]
async fn the_directory_refuses_other_practices_other_roles_and_bad_id_lists() {
    // Arrange
    let app = admin_app().await;
    let (a, b) = (app.create_tenant("dir-x").await, app.create_tenant("dir-y").await);
    let clinician = app.token_of(&app.member(a, &["clinician"]).await).await;
    let client = app.token_of(&app.member(a, &["client"]).await).await;
    let stranger = app.member(b, &["client"]).await;
    let users_of = |tenant| format!("/v1/tenants/{tenant}/users");

    // Act / Assert: another practice is not found, an operator may not look.
    let other = format!("{}?ids={}", users_of(b), stranger.user);
    assert_eq!(app.call(&clinician, Method::GET, &other, None).await.0, StatusCode::NOT_FOUND);
    let own = format!("{}?ids={}", users_of(a), stranger.user);
    assert_eq!(app.call(&client, Method::GET, &own, None).await.0, StatusCode::OK);
    assert_eq!(app.call(&app.operator, Method::GET, &own, None).await.0, StatusCode::FORBIDDEN);
    let too_many: Vec<String> = (0..=MAX_USER_LOOKUP).map(|_| UserId::generate().to_string()).collect();
    for query in [format!("?ids={}", too_many.join(",")), "?ids=nope".to_owned(), String::new()] {
        let (status, body) = app.call(&clinician, Method::GET, &format!("{}{query}", users_of(a)), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["error"]["code"], "IDENTITY_INVALID_INPUT");
    }
}

#[tokio::test]
async fn a_client_sees_the_practices_staff_and_clinicians_and_themselves_but_no_other_client() {
    // Arrange
    let app = admin_app().await;
    let a = app.create_tenant("dir-c").await;
    let client = app.member(a, &["client"]).await;
    let token = app.token_of(&client).await;
    let other_client = app.member(a, &["client"]).await;
    let clinician = app.member(a, &["clinician"]).await;
    let staff = app.member(a, &["staff"]).await;
    let ids = [client.user, other_client.user, clinician.user, staff.user].map(|u| u.to_string()).join(",");

    // Act
    let (status, body) = app.call(&token, Method::GET, &format!("/v1/tenants/{a}/users?ids={ids}"), None).await;

    // Assert
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut seen: Vec<String> = users(&body).iter().map(|u| u["user_id"].as_str().unwrap().to_owned()).collect();
    seen.sort();
    let mut expected = vec![client.user.to_string(), clinician.user.to_string(), staff.user.to_string()];
    expected.sort();
    assert_eq!(seen, expected, "no other client: {body}");
    assert!(users(&body).iter().all(|u| u["email"].is_null()), "no contact details: {body}");
}
