//! `/v1/me`: a person's own profile, practices and sessions, and ending a session; never
//! another person's, and never for a machine's token.

use reqwest::{Method, StatusCode};
use serde_json::Value;
use tp_ids::SessionId;
use uuid::Uuid;

use super::harness::admin_app;
use crate::oauth_fixtures::Person;

fn code(body: &Value) -> Option<&str> {
    body.get("error").and_then(|e| e.get("code")).and_then(Value::as_str)
}

fn strings(list: &Value, key: &str, field: &str) -> Vec<String> {
    let items = list.get(key).and_then(Value::as_array).cloned().unwrap_or_default();
    items.iter().filter_map(|i| i.get(field).and_then(Value::as_str).map(str::to_owned)).collect()
}

#[tokio::test]
async fn a_person_sees_their_own_profile_and_active_practices_only() {
    // Arrange: a clinician of A who is also a client of B, invited to C, and in offboarded D.
    let app = admin_app().await;
    let (a, b) = (app.create_tenant("me-a").await, app.create_tenant("me-b").await);
    let (c, d) = (app.create_tenant("me-c").await, app.create_tenant("me-d").await);
    let person = app.member(a, &["clinician"]).await;
    app.member(a, &["practice_admin"]).await;
    let user = Uuid::from(person.user);
    let add = "insert into identity.memberships (tenant_id, user_id, roles, status) values ($1, $2, $3, $4)";
    for (tenant, status) in [(b, "active"), (c, "invited"), (d, "active")] {
        let values = vec![Uuid::from(tenant).into(), user.into(), vec!["client".to_owned()].into(), status.into()];
        app.oauth.sql(add, values).await;
    }
    app.oauth.sql("update identity.tenants set status = 'offboarded' where id = $1", vec![Uuid::from(d).into()]).await;
    app.oauth.sql("update identity.users set totp_enabled_at = now() where id = $1", vec![user.into()]).await;
    let token = app.token_of(&person).await;

    // Act
    let (status, profile) = app.call(&token, Method::GET, "/v1/me", None).await;
    let (tenants_status, tenants) = app.call(&token, Method::GET, "/v1/me/tenants", None).await;

    // Assert
    assert_eq!(status, StatusCode::OK, "{profile}");
    assert_eq!(profile["user_id"], person.user.to_string());
    assert_eq!(profile["email"], format!("{}@example.test", person.user.as_uuid().simple()));
    assert_eq!((profile["email_verified"].as_bool(), profile["mfa_enrolled"].as_bool()), (Some(true), Some(true)));
    assert_eq!(tenants_status, StatusCode::OK, "{tenants}");
    let mut listed = strings(&tenants, "tenants", "tenant_id");
    listed.sort();
    let mut expected = vec![a.to_string(), b.to_string()];
    expected.sort();
    assert_eq!(listed, expected, "active memberships of practices not offboarded: {tenants}");
    let first = &tenants["tenants"][0];
    assert_eq!(first["status"], "active");
    assert!(first["slug"].as_str().unwrap().starts_with("me-"), "{first}");
}

#[tokio::test]
async fn machines_have_no_own_account() {
    // Arrange
    let app = admin_app().await;
    let tenant = app.create_tenant("me-machines").await;
    let api_client = app.api_client_token(tenant, &["identity:read"]).await;

    for token in [&api_client, &app.operator] {
        for path in ["/v1/me", "/v1/me/tenants", "/v1/me/sessions"] {
            // Act
            let (status, body) = app.call(token, Method::GET, path, None).await;

            // Assert
            assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, Some("IDENTITY_FORBIDDEN")), "{path}");
        }
    }
}

#[tokio::test]
async fn a_person_lists_their_live_sessions_and_ends_one_whose_tokens_stop_at_once() {
    // Arrange: the person's signed-in session, a second live one, three dead ones, and a
    // session of someone in another practice.
    let app = admin_app().await;
    let (a, b) = (app.create_tenant("sess-a").await, app.create_tenant("sess-b").await);
    let person = app.member(a, &["clinician"]).await;
    let stranger = app.member(b, &["clinician"]).await;
    let second = Person { user: person.user, tenant: a, session: SessionId::generate() };
    let insert = "insert into identity.sessions (id, token_hash, user_id, tenant_id, stage, amr, expires_at, \
                  last_seen_at, revoked_at) values ($1, $2, $3, $4, 'authenticated', '{pwd,otp}', \
                  now() + make_interval(secs => $5), now() - make_interval(secs => $6), \
                  case when $7 then now() else null end)";
    // (session, expires in, idle for, ended)
    let dead = [SessionId::generate(), SessionId::generate(), SessionId::generate()];
    let rows = [(second.session, 3600.0, 0.0, false), (dead[0], 3600.0, 0.0, true), (dead[1], -1.0, 0.0, false)];
    let rows = rows.into_iter().chain([(dead[2], 3600.0, 3600.0, false)]);
    for (session, expires, idle, ended) in rows {
        let values = vec![
            Uuid::from(session).into(),
            Uuid::new_v4().as_bytes().to_vec().into(),
            Uuid::from(person.user).into(),
            Uuid::from(a).into(),
            f64::into(expires),
            f64::into(idle),
            ended.into(),
        ];
        app.oauth.sql(insert, values).await;
    }
    let token = app.token_of(&person).await;
    let second_token = app.token_of(&second).await;

    // Act
    let (status, sessions) = app.call(&token, Method::GET, "/v1/me/sessions", None).await;

    // Assert
    assert_eq!(status, StatusCode::OK, "{sessions}");
    let mut listed = strings(&sessions, "sessions", "session_id");
    listed.sort();
    let mut expected = vec![person.session.to_string(), second.session.to_string()];
    expected.sort();
    assert_eq!(listed, expected, "live sessions only: {sessions}");
    assert_eq!(sessions["sessions"][0]["tenant_id"], a.to_string());

    // Someone else's session, or no session at all: not found, and nothing ends.
    for id in [stranger.session.to_string(), "not-a-session".to_owned()] {
        let (status, _) = app.call(&token, Method::DELETE, &format!("/v1/me/sessions/{id}"), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{id}");
    }
    assert!(!app.oauth.session_revoked(stranger.session).await);
    assert!(!app.oauth.is_sid_revoked(stranger.session).await);

    // Ending the second session: as sign-out does, its access tokens stop at once.
    let path = format!("/v1/me/sessions/{}", second.session);
    let (status, body) = app.call(&token, Method::DELETE, &path, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    assert!(app.oauth.session_revoked(second.session).await);
    assert!(app.oauth.is_sid_revoked(second.session).await);
    assert_eq!(app.call(&second_token, Method::GET, "/v1/me", None).await.0, StatusCode::UNAUTHORIZED);
    let (status, sessions) = app.call(&token, Method::GET, "/v1/me/sessions", None).await;
    assert_eq!(
        (status, strings(&sessions, "sessions", "session_id")),
        (StatusCode::OK, vec![person.session.to_string()])
    );
    assert!(app.audit_actions(a).await.contains(&"identity.session.ended".to_owned()));
    assert!(!app.audit_actions(b).await.contains(&"identity.session.ended".to_owned()));
}
