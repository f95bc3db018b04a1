//! The token endpoint, userinfo and revocation: client credentials for API and operator
//! clients, the code + PKCE exchange, refresh rotation with reuse detection, and every
//! refusal the issue lists, each with its RFC 6749 error.

#![expect(clippy::unwrap_used, reason = "test helpers: a failed set-up must stop the test where it failed")]

use reqwest::StatusCode;
use secrecy::ExposeSecret as _;
use serde_json::Value;
use tp_identity::domain::scope::ScopeSet;
use tp_identity::error::Error;
use tp_identity::oauth::{create_api_client, list_api_clients, revoke_api_client};
use tp_ids::{ClientId, TenantId};
use uuid::Uuid;

use crate::oauth_fixtures::{
    FORM, OAuthApp, OPERATOR_ID, OPERATOR_SECRET, PORTAL, PORTAL_REDIRECT, VERIFIER, form_body, spawn, verify,
};

const API_SCOPES: [&str; 2] = ["records:read", "scheduling:read"];
/// Who registers and revokes clients in these tests (the admin API passes its caller).
const TEST_ACTOR: tp_audit_log::Actor = tp_audit_log::Actor::System("test");

async fn api_client(oauth: &OAuthApp, tenant: TenantId) -> (ClientId, String) {
    let scopes = ScopeSet::parse_api(API_SCOPES).unwrap();
    let created = create_api_client(&oauth.db, tenant, "Reporting", &scopes, &TEST_ACTOR, true).await.unwrap();
    (created.client_id, created.secret.expose_secret().to_owned())
}

fn error_of(body: &Value) -> &str {
    body["error"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn an_api_clients_token_verifies_against_the_jwks_and_is_bound_to_its_tenant() {
    // Arrange
    let oauth = spawn().await;
    let tenant = oauth.tenant().await;
    let (client_id, secret) = api_client(&oauth, tenant).await;

    // Act
    let (status, body) =
        oauth.token(&[("grant_type", "client_credentials")], Some((client_id.as_str(), &secret))).await;

    // Assert
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!((body["token_type"].as_str(), body["expires_in"].as_u64()), (Some("Bearer"), Some(300)));
    assert!(body.get("refresh_token").is_none() && body.get("id_token").is_none(), "{body}");
    let token = body["access_token"].as_str().unwrap();
    let (header, claims) = verify(token, &oauth.jwks().await, "telehealth-api", oauth.issuer());
    assert_eq!(header.typ.as_deref(), Some("at+jwt"));
    assert!(header.kid.unwrap().starts_with("identity-token-signing-v"));
    assert_eq!(claims["sub"], client_id.as_str());
    assert_eq!(claims["client_id"], client_id.as_str());
    assert_eq!(claims["tid"], tenant.to_string());
    assert_eq!(claims["roles"], serde_json::json!(["api_client"]));
    assert_eq!(claims["scope"], "records:read scheduling:read");
    assert!(claims["jti"].as_str().is_some_and(|j| Uuid::parse_str(j).is_ok()));
    let list = list_api_clients(&oauth.db, tenant).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].client_id, client_id);
    assert_eq!(claims["sid"].as_str().map(|s| s.len()), Some(36));
}

#[tokio::test]
async fn the_operator_client_gets_a_tenantless_platform_operator_token_via_client_secret_post() {
    let oauth = spawn().await;

    let form = [("grant_type", "client_credentials"), ("client_id", OPERATOR_ID), ("client_secret", OPERATOR_SECRET)];
    let (status, body) = oauth.token(&form, None).await;

    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, claims) =
        verify(body["access_token"].as_str().unwrap(), &oauth.jwks().await, "telehealth-api", oauth.issuer());
    assert!(claims.get("tid").is_none(), "{claims}");
    assert_eq!(claims["roles"], serde_json::json!(["platform_operator"]));
}

#[tokio::test]
async fn a_wrong_client_secret_is_invalid_client_with_401_and_www_authenticate() {
    let oauth = spawn().await;
    let tenant = oauth.tenant().await;
    let (client_id, _) = api_client(&oauth, tenant).await;

    for basic in [Some((client_id.as_str(), "not-the-secret")), Some(("tpc_unknown", "x"))] {
        let url = format!("{}/oauth2/token", oauth.app.address);
        let (id, secret) = basic.unwrap();
        let response = oauth
            .app
            .client
            .post(url)
            .basic_auth(id, Some(secret))
            .header("content-type", FORM)
            .body(form_body(&[("grant_type", "client_credentials")]))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{id}");
        assert!(response.headers()["www-authenticate"].to_str().unwrap().starts_with("Basic"));
        assert_eq!(response.headers()["cache-control"], "no-store");
        let body: Value = response.json().await.unwrap();
        assert_eq!(error_of(&body), "invalid_client", "{id}: {body}");
    }
    let post = [("grant_type", "client_credentials"), ("client_id", client_id.as_str()), ("client_secret", "nope")];
    assert_eq!(oauth.token(&post, None).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_public_client_cannot_use_client_credentials() {
    let oauth = spawn().await;

    let (status, body) = oauth.token(&[("grant_type", "client_credentials"), ("client_id", PORTAL)], None).await;

    assert_eq!((status, error_of(&body)), (StatusCode::BAD_REQUEST, "unauthorized_client"), "{body}");
}

#[tokio::test]
async fn client_credentials_scope_may_narrow_but_never_widen() {
    let oauth = spawn().await;
    let tenant = oauth.tenant().await;
    let (id, secret) = api_client(&oauth, tenant).await;
    let basic = Some((id.as_str(), secret.as_str()));

    let (narrow, narrow_body) =
        oauth.token(&[("grant_type", "client_credentials"), ("scope", "records:read")], basic).await;
    let (wide, wide_body) =
        oauth.token(&[("grant_type", "client_credentials"), ("scope", "records:read records:write")], basic).await;
    let (unknown, unknown_body) = oauth.token(&[("grant_type", "client_credentials"), ("scope", "admin")], basic).await;

    assert_eq!((narrow, narrow_body["scope"].as_str()), (StatusCode::OK, Some("records:read")));
    assert_eq!((wide, error_of(&wide_body)), (StatusCode::BAD_REQUEST, "invalid_scope"));
    assert_eq!((unknown, error_of(&unknown_body)), (StatusCode::BAD_REQUEST, "invalid_scope"));
}

#[tokio::test]
async fn a_revoked_api_client_is_refused_and_its_sid_is_published_only_by_its_own_tenant() {
    // Arrange
    let oauth = spawn().await;
    let (tenant, other_tenant) = (oauth.tenant().await, oauth.tenant().await);
    let (id, secret) = api_client(&oauth, tenant).await;
    let basic = Some((id.as_str(), secret.as_str()));
    let (_, body) = oauth.token(&[("grant_type", "client_credentials")], basic).await;
    let (_, claims) =
        verify(body["access_token"].as_str().unwrap(), &oauth.jwks().await, "telehealth-api", oauth.issuer());
    let sid = tp_ids::SessionId::parse(claims["sid"].as_str().unwrap()).unwrap();

    // Act
    let redis = oauth.manager().await;
    let by_other = revoke_api_client(&oauth.db, &redis, 300, other_tenant, &id, &TEST_ACTOR).await;
    let by_owner = revoke_api_client(&oauth.db, &redis, 300, tenant, &id, &TEST_ACTOR).await;
    let (status, body) = oauth.token(&[("grant_type", "client_credentials")], basic).await;

    // Assert
    assert!(matches!(by_other, Err(Error::NotFound)), "{by_other:?}");
    assert!(list_api_clients(&oauth.db, other_tenant).await.unwrap().is_empty());
    assert!(by_owner.is_ok(), "{by_owner:?}");
    assert_eq!((status, error_of(&body)), (StatusCode::UNAUTHORIZED, "invalid_client"));
    assert!(oauth.is_sid_revoked(sid).await);
    assert!(list_api_clients(&oauth.db, tenant).await.unwrap()[0].revoked);
}

#[tokio::test]
async fn a_code_exchange_issues_access_id_and_refresh_tokens_and_refresh_rotates() {
    // Arrange
    let oauth = spawn().await;
    let person = oauth.person(&["clinician"]).await;
    let code = oauth.code(&person, "openid email profile", VERIFIER).await;

    // Act
    let (status, body) = oauth.exchange(&code, VERIFIER).await;

    // Assert: the tokens
    assert_eq!(status, StatusCode::OK, "{body}");
    let jwks = oauth.jwks().await;
    let access = body["access_token"].as_str().unwrap();
    let (_, claims) = verify(access, &jwks, "telehealth-api", oauth.issuer());
    assert_eq!(claims["sub"], person.user.to_string());
    assert_eq!(claims["tid"], person.tenant.to_string());
    assert_eq!(claims["sid"], person.session.to_string());
    assert_eq!(claims["roles"], serde_json::json!(["clinician"]));
    assert_eq!(claims["client_id"], PORTAL);
    let (id_header, id) = verify(body["id_token"].as_str().unwrap(), &jwks, PORTAL, oauth.issuer());
    assert_eq!(id_header.typ.as_deref(), Some("JWT"));
    assert_eq!(id["nonce"], "n-0S6_WzA2Mj");
    assert_eq!(id["sub"], person.user.to_string());
    assert_eq!((id["email_verified"].as_bool(), id["name"].as_str()), (Some(true), Some("Dr Test")));
    assert!(id["auth_time"].as_i64().is_some() && id["at_hash"].as_str().is_some(), "{id}");
    let userinfo: Value = oauth.userinfo(access).await.json().await.unwrap();
    assert_eq!(
        (userinfo["sub"].as_str(), userinfo["email"].as_str()),
        (Some(&*person.user.to_string()), id["email"].as_str())
    );

    // Act and assert: rotation
    let first_refresh = body["refresh_token"].as_str().unwrap();
    let (status, rotated) = oauth.refresh(first_refresh).await;
    assert_eq!(status, StatusCode::OK, "{rotated}");
    let second_refresh = rotated["refresh_token"].as_str().unwrap();
    assert_ne!(first_refresh, second_refresh);
    assert!(rotated["id_token"].is_string());
    let (status, again) = oauth.refresh(second_refresh).await;
    assert_eq!(status, StatusCode::OK, "{again}");
}

#[tokio::test]
async fn a_reused_refresh_token_revokes_its_family_and_the_session() {
    // Arrange
    let oauth = spawn().await;
    let person = oauth.person(&["client"]).await;
    let code = oauth.code(&person, "openid", VERIFIER).await;
    let (_, body) = oauth.exchange(&code, VERIFIER).await;
    let first = body["refresh_token"].as_str().unwrap().to_owned();
    let (_, rotated) = oauth.refresh(&first).await;
    let second = rotated["refresh_token"].as_str().unwrap().to_owned();
    let access = rotated["access_token"].as_str().unwrap().to_owned();
    assert_eq!(oauth.userinfo(&access).await.status(), StatusCode::OK);

    // Act
    let (reuse_status, reuse) = oauth.refresh(&first).await;

    // Assert
    assert_eq!((reuse_status, error_of(&reuse)), (StatusCode::BAD_REQUEST, "invalid_grant"));
    let (status, body) = oauth.refresh(&second).await;
    assert_eq!((status, error_of(&body)), (StatusCode::BAD_REQUEST, "invalid_grant"), "successor must be dead");
    assert!(oauth.session_revoked(person.session).await);
    assert!(oauth.is_sid_revoked(person.session).await);
    let userinfo = oauth.userinfo(&access).await;
    assert_eq!(userinfo.status(), StatusCode::UNAUTHORIZED);
    assert!(userinfo.headers()["www-authenticate"].to_str().unwrap().contains("invalid_token"));
}

#[tokio::test]
async fn a_code_used_twice_is_refused_and_revokes_what_the_first_exchange_issued() {
    let oauth = spawn().await;
    let person = oauth.person(&["client"]).await;
    let code = oauth.code(&person, "openid", VERIFIER).await;
    let (status, first) = oauth.exchange(&code, VERIFIER).await;
    assert_eq!(status, StatusCode::OK, "{first}");

    let (status, second) = oauth.exchange(&code, VERIFIER).await;

    assert_eq!((status, error_of(&second)), (StatusCode::BAD_REQUEST, "invalid_grant"));
    let (status, refreshed) = oauth.refresh(first["refresh_token"].as_str().unwrap()).await;
    assert_eq!((status, error_of(&refreshed)), (StatusCode::BAD_REQUEST, "invalid_grant"));
    assert!(oauth.session_revoked(person.session).await);
    assert!(oauth.is_sid_revoked(person.session).await);
}

#[tokio::test]
async fn an_expired_code_is_refused() {
    let oauth = spawn().await;
    let person = oauth.person(&["client"]).await;
    let code = oauth.code(&person, "openid", VERIFIER).await;
    oauth.sql("update identity.authorization_codes set expires_at = now() - interval '1 second'", vec![]).await;

    let (status, body) = oauth.exchange(&code, VERIFIER).await;

    assert_eq!((status, error_of(&body)), (StatusCode::BAD_REQUEST, "invalid_grant"), "{body}");
}

#[tokio::test]
async fn redirect_uris_must_match_exactly_and_a_refused_attempt_does_not_burn_the_code() {
    let oauth = spawn().await;
    let person = oauth.person(&["client"]).await;
    let code = oauth.code(&person, "openid", VERIFIER).await;

    for redirect in ["http://127.0.0.1:9/other", &format!("{PORTAL_REDIRECT}/evil"), &format!("{PORTAL_REDIRECT}?x=1")]
    {
        let form = [
            ("grant_type", "authorization_code"),
            ("client_id", PORTAL),
            ("code", &code),
            ("redirect_uri", redirect),
            ("code_verifier", VERIFIER),
        ];
        let (status, body) = oauth.token(&form, None).await;
        assert_eq!((status, error_of(&body)), (StatusCode::BAD_REQUEST, "invalid_grant"), "{redirect}: {body}");
    }

    assert_eq!(oauth.exchange(&code, VERIFIER).await.0, StatusCode::OK);
}

#[tokio::test]
async fn pkce_is_required_and_only_s256_of_the_verifier_matches() {
    let oauth = spawn().await;
    let person = oauth.person(&["client"]).await;
    let code = oauth.code(&person, "openid", VERIFIER).await;
    let challenge = tp_identity::domain::pkce::CodeChallenge::s256(
        &tp_identity::domain::pkce::CodeVerifier::parse(VERIFIER).unwrap(),
    );
    let missing = [
        ("grant_type", "authorization_code"),
        ("client_id", PORTAL),
        ("code", code.as_str()),
        ("redirect_uri", PORTAL_REDIRECT),
    ];

    let (missing_status, missing_body) = oauth.token(&missing, None).await;
    let (wrong_status, wrong_body) = oauth.exchange(&code, &"w".repeat(43)).await;
    // `plain` PKCE: the client sends the challenge itself as the verifier.
    let (plain_status, plain_body) = oauth.exchange(&code, challenge.as_str()).await;

    assert_eq!((missing_status, error_of(&missing_body)), (StatusCode::BAD_REQUEST, "invalid_request"));
    assert_eq!((wrong_status, error_of(&wrong_body)), (StatusCode::BAD_REQUEST, "invalid_grant"));
    assert_eq!((plain_status, error_of(&plain_body)), (StatusCode::BAD_REQUEST, "invalid_grant"));
}

#[tokio::test]
async fn refresh_is_refused_once_the_session_is_idle_too_long_or_past_its_absolute_expiry() {
    let oauth = spawn().await;
    for (column, value) in
        [("last_seen_at", "now() - interval '16 minutes'"), ("expires_at", "now() - interval '1 second'")]
    {
        let person = oauth.person(&["client"]).await;
        let code = oauth.code(&person, "openid", VERIFIER).await;
        let (_, body) = oauth.exchange(&code, VERIFIER).await;
        let sql = format!("update identity.sessions set {column} = {value} where id = $1");
        oauth.sql(&sql, vec![Uuid::from(person.session).into()]).await;

        let (status, refreshed) = oauth.refresh(body["refresh_token"].as_str().unwrap()).await;

        assert_eq!((status, error_of(&refreshed)), (StatusCode::BAD_REQUEST, "invalid_grant"), "{column}");
    }
}

#[tokio::test]
async fn a_refresh_restarts_the_idle_timer_and_may_narrow_but_not_widen_scope() {
    let oauth = spawn().await;
    let person = oauth.person(&["client"]).await;
    let code = oauth.code(&person, "openid email", VERIFIER).await;
    let (_, body) = oauth.exchange(&code, VERIFIER).await;
    let sql = "update identity.sessions set last_seen_at = now() - interval '10 minutes' where id = $1";
    oauth.sql(sql, vec![Uuid::from(person.session).into()]).await;
    let refresh = body["refresh_token"].as_str().unwrap();

    let form =
        |scope| [("grant_type", "refresh_token"), ("client_id", PORTAL), ("refresh_token", refresh), ("scope", scope)];
    let (wide_status, wide) = oauth.token(&form("openid email profile"), None).await;
    let (narrow_status, narrow) = oauth.token(&form("openid"), None).await;

    assert_eq!((wide_status, error_of(&wide)), (StatusCode::BAD_REQUEST, "invalid_scope"));
    assert_eq!((narrow_status, narrow["scope"].as_str()), (StatusCode::OK, Some("openid")), "{narrow}");
    let idle = "select last_seen_at > now() - interval '1 minute' from identity.sessions where id = $1";
    assert!(oauth.sql_bool(idle, vec![Uuid::from(person.session).into()]).await, "last_seen_at must be refreshed");
}

#[tokio::test]
async fn a_person_without_an_active_membership_in_the_codes_tenant_gets_no_tokens() {
    let oauth = spawn().await;
    let person = oauth.person(&["clinician"]).await;
    let code = oauth.code(&person, "openid", VERIFIER).await;
    let sql = "update identity.memberships set status = 'removed' where user_id = $1";
    oauth.sql(sql, vec![Uuid::from(person.user).into()]).await;

    let (status, body) = oauth.exchange(&code, VERIFIER).await;

    assert_eq!((status, error_of(&body)), (StatusCode::BAD_REQUEST, "invalid_grant"));
}

#[tokio::test]
async fn revoking_a_refresh_token_ends_its_family_and_unknown_tokens_still_get_200() {
    let oauth = spawn().await;
    let person = oauth.person(&["client"]).await;
    let code = oauth.code(&person, "openid", VERIFIER).await;
    let (_, body) = oauth.exchange(&code, VERIFIER).await;
    let refresh = body["refresh_token"].as_str().unwrap();

    let (revoked, _) = oauth.post("/oauth2/revoke", &[("client_id", PORTAL), ("token", refresh)], None).await;
    let (unknown, _) = oauth.post("/oauth2/revoke", &[("client_id", PORTAL), ("token", "nonsense")], None).await;

    assert_eq!((revoked, unknown), (StatusCode::OK, StatusCode::OK));
    let (status, body) = oauth.refresh(refresh).await;
    assert_eq!((status, error_of(&body)), (StatusCode::BAD_REQUEST, "invalid_grant"));
}

#[tokio::test]
async fn userinfo_refuses_missing_forged_and_non_openid_tokens() {
    let oauth = spawn().await;
    let tenant = oauth.tenant().await;
    let (id, secret) = api_client(&oauth, tenant).await;
    let (_, body) = oauth.token(&[("grant_type", "client_credentials")], Some((id.as_str(), &secret))).await;
    let api_token = body["access_token"].as_str().unwrap();
    let (head, _) = api_token.rsplit_once('.').unwrap();
    let forged = format!("{head}.{}", "A".repeat(86));

    let none = oauth.app.get("/oauth2/userinfo").await;

    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(oauth.userinfo(&forged).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(oauth.userinfo(api_token).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn unknown_grant_types_and_repeated_parameters_are_refused() {
    let oauth = spawn().await;

    let (unknown, unknown_body) = oauth.token(&[("grant_type", "password")], None).await;
    let (repeated, repeated_body) =
        oauth.token(&[("grant_type", "client_credentials"), ("grant_type", "client_credentials")], None).await;

    assert_eq!((unknown, error_of(&unknown_body)), (StatusCode::BAD_REQUEST, "unsupported_grant_type"));
    assert_eq!((repeated, error_of(&repeated_body)), (StatusCode::BAD_REQUEST, "invalid_request"));
}
