//! Who may do what on the admin API: operators administer tenants but never see who belongs
//! to a practice; practice admins manage their own practice only; others nothing.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::harness::admin_app;

#[tokio::test]
async fn operators_cannot_list_members_or_care_teams_or_invite_anyone_but_admins() {
    // Arrange
    let app = admin_app().await;
    let tenant = app.create_tenant("harbor").await;
    let op = app.operator.as_str();

    // Act / Assert
    let (status, _) = app.call(op, Method::GET, &format!("/v1/tenants/{tenant}/members"), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "members are PHI");
    let (status, _) = app.call(op, Method::GET, &format!("/v1/tenants/{tenant}/care-team"), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "care teams are PHI");
    let client_invite = json!({ "email": "someone@example.test", "roles": ["client"] });
    let (status, _) = app.call(op, Method::POST, &format!("/v1/tenants/{tenant}/invites"), Some(client_invite)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "an operator may invite practice admins only");
}

#[tokio::test]
async fn a_practice_admin_manages_only_their_own_practice() {
    // Arrange
    let app = admin_app().await;
    let (a, b) = (app.create_tenant("alpha").await, app.create_tenant("beta").await);
    let admin_a = app.member(a, &["practice_admin"]).await;
    let token = app.token_of(&admin_a).await;

    // Act / Assert: their own practice
    let (status, members) = app.call(&token, Method::GET, &format!("/v1/tenants/{a}/members"), None).await;
    assert_eq!(status, StatusCode::OK, "{members}");
    assert_eq!(members["members"].as_array().map(Vec::len), Some(1));

    // Another practice: indistinguishable from one that does not exist.
    for path in ["", "/members", "/care-team", "/api-clients", "/sso"] {
        let (status, body) = app.call(&token, Method::GET, &format!("/v1/tenants/{b}{path}"), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
    }
    let (status, _) = app.call(&token, Method::POST, &format!("/v1/tenants/{b}/suspend"), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "tenant lifecycle is for operators");
    let (status, _) = app.call(&token, Method::GET, "/v1/tenants", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let body = json!({ "slug": "mine", "name": "Mine" });
    let (status, _) = app.call(&token, Method::POST, "/v1/tenants", Some(body)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn clinicians_and_clients_cannot_use_the_admin_api() {
    // Arrange
    let app = admin_app().await;
    let tenant = app.create_tenant("gamma").await;
    for role in ["clinician", "staff", "client"] {
        let person = app.member(tenant, &[role]).await;
        let token = app.token_of(&person).await;

        // Act
        let (status, _) = app.call(&token, Method::GET, &format!("/v1/tenants/{tenant}/members"), None).await;

        // Assert
        assert_eq!(status, StatusCode::FORBIDDEN, "{role}");
    }
}

#[tokio::test]
async fn the_admin_api_refuses_missing_forged_and_revoked_tokens() {
    // Arrange
    let app = admin_app().await;
    let tenant = app.create_tenant("delta").await;
    let admin = app.member(tenant, &["practice_admin"]).await;
    let token = app.token_of(&admin).await;
    let path = format!("/v1/tenants/{tenant}/members");

    // Act / Assert
    let url = format!("{}{path}", app.oauth.app.address);
    let anonymous = app.oauth.app.client.get(&url).send().await.map(|r| r.status());
    assert_eq!(anonymous.ok(), Some(StatusCode::UNAUTHORIZED));
    let mut forged = token.clone();
    forged.pop();
    forged.push(if token.ends_with('A') { 'B' } else { 'A' });
    assert_eq!(app.call(&forged, Method::GET, &path, None).await.0, StatusCode::UNAUTHORIZED);

    // Changing the admin's roles ends their sessions: the token stops working at once.
    let roles = json!({ "roles": ["practice_admin", "clinician"] });
    let roles_path = format!("/v1/tenants/{tenant}/members/{}/roles", admin.user);
    let (status, body) = app.call(&token, Method::PUT, &roles_path, Some(roles)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(app.oauth.is_sid_revoked(admin.session).await);
    assert_eq!(app.call(&token, Method::GET, &path, None).await.0, StatusCode::UNAUTHORIZED);
    // Had Redis lost that entry (the change committed, the publish failed), doing the change
    // again publishes the recently ended session again.
    let key = format!("{}{}", tp_auth::REVOKED_SESSION_PREFIX, admin.session);
    let mut redis = app.oauth.redis.clone();
    redis::cmd("DEL").arg(&key).query_async::<()>(&mut redis).await.unwrap();
    let other_admin = app.token_of(&app.member(tenant, &["practice_admin"]).await).await;
    let roles = json!({ "roles": ["practice_admin"] });
    assert_eq!(app.call(&other_admin, Method::PUT, &roles_path, Some(roles)).await.0, StatusCode::OK);
    assert!(app.oauth.is_sid_revoked(admin.session).await, "the ended session was not published again");
    assert!(app.audit_actions(tenant).await.contains(&"identity.membership.roles_changed".to_owned()));
}

#[tokio::test]
async fn an_api_client_with_identity_read_lists_its_own_practices_members_only() {
    // Arrange: API clients of practice A, with and without identity:read, and practice B.
    let app = admin_app().await;
    let (a, b) = (app.create_tenant("api-a").await, app.create_tenant("api-b").await);
    let member_a = app.member(a, &["clinician"]).await;
    app.member(b, &["client"]).await;
    let reader = app.api_client_token(a, &["identity:read"]).await;
    let other_scope = app.api_client_token(a, &["records:read"]).await;

    // Act
    let (status, members) = app.call(&reader, Method::GET, &format!("/v1/tenants/{a}/members"), None).await;

    // Assert
    assert_eq!(status, StatusCode::OK, "{members}");
    let listed = members["members"].as_array().cloned().unwrap_or_default();
    // The clinician and the practice admin who approved the clients.
    assert_eq!(listed.len(), 3, "{members}");
    assert!(listed.iter().any(|m| m["user_id"] == member_a.user.to_string()));
    let (status, _) = app.call(&reader, Method::GET, &format!("/v1/tenants/{b}/members"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another practice is not found");
    let (status, _) = app.call(&other_scope, Method::GET, &format!("/v1/tenants/{a}/members"), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the role needs the identity:read scope too");
}

#[tokio::test]
async fn an_api_clients_token_is_bound_to_its_own_practice() {
    // Arrange: an API client of practice A, and a care-team pair in practice B.
    let app = admin_app().await;
    let (a, b) = (app.create_tenant("api-a").await, app.create_tenant("api-b").await);
    let token = app.api_client_token(a, &["identity:read"]).await;
    let token = token.as_str();
    let b_admin = app.token_of(&app.member(b, &["practice_admin"]).await).await;
    let (clinician, client_b) = (app.member(b, &["clinician"]).await, app.member(b, &["client"]).await);
    let pair = json!({ "clinician_id": clinician.user, "client_id": client_b.user });
    assert_eq!(
        app.call(&b_admin, Method::POST, &format!("/v1/tenants/{b}/care-team"), Some(pair.clone())).await.0,
        StatusCode::NO_CONTENT
    );

    // Act / Assert: practice B's data is out of reach; in A it may read, never write.
    let (status, _) = app.call(token, Method::GET, &format!("/v1/tenants/{b}/care-team"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app.call(token, Method::POST, &format!("/v1/tenants/{a}/care-team"), Some(pair)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let check = format!("/internal/v1/care-team/check?clinician_id={}&client_id={}", clinician.user, client_b.user);
    let (status, answer) = app.call(token, Method::GET, &check, None).await;
    assert_eq!((status, answer["assigned"].as_bool()), (StatusCode::OK, Some(false)), "answered within A only");
    let (_, answer) = app.call(&app.token_of(&clinician).await, Method::GET, &check, None).await;
    assert_eq!(answer["assigned"].as_bool(), Some(true), "the same question within B");
}

#[tokio::test]
async fn an_operators_api_client_gets_no_token_until_a_practice_admin_approves_it() {
    // Arrange: the operator registers a client for the practice (and holds its secret).
    let app = admin_app().await;
    let tenant = app.create_tenant("onboarding").await;
    let body = json!({ "name": "EHR sync", "scopes": ["records:read"] });
    let path = format!("/v1/tenants/{tenant}/api-clients");
    let (status, client) = app.call(&app.operator, Method::POST, &path, Some(body)).await;
    assert_eq!((status, client["approved"].as_bool()), (StatusCode::CREATED, Some(false)), "{client}");
    let id = client["client_id"].as_str().unwrap_or_default();
    let creds = (id, client["client_secret"].as_str().unwrap_or_default());
    let grant = [("grant_type", "client_credentials")];

    // Act / Assert: refused while pending; the operator cannot approve it; the admin can.
    assert_ne!(app.oauth.token(&grant, Some(creds)).await.0, StatusCode::OK, "an operator holds no working credential");
    let approve = format!("/v1/tenants/{tenant}/api-clients/{id}/approve");
    assert_eq!(app.call(&app.operator, Method::POST, &approve, None).await.0, StatusCode::FORBIDDEN);
    app.approve(tenant, id).await;
    assert_eq!(app.oauth.token(&grant, Some(creds)).await.0, StatusCode::OK);
    let admin = app.token_of(&app.member(tenant, &["practice_admin"]).await).await;
    let (_, list) = app.call(&admin, Method::GET, &path, None).await;
    assert_eq!(list["api_clients"][0]["approved"].as_bool(), Some(true), "{list}");
    assert!(app.audit_actions(tenant).await.contains(&"identity.api_client.approved".to_owned()));
}

#[tokio::test]
async fn operators_cannot_connect_a_practices_sign_in_to_an_idp() {
    // Arrange
    let app = admin_app().await;
    let tenant = app.create_tenant("no-sso").await;
    let body = json!({ "issuer": "https://idp.example", "client_id": "x", "client_secret": "y", "allowed_domains": ["example.com"] });

    // Act
    let (status, _) = app.call(&app.operator, Method::PUT, &format!("/v1/tenants/{tenant}/sso"), Some(body)).await;

    // Assert: the IdP decides who signs in to the practice: practice admins only.
    assert_eq!(status, StatusCode::FORBIDDEN);
}
