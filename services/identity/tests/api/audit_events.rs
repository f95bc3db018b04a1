//! The security events identity writes to `audit.events`, read back as the admin: for each
//! key event the action, outcome, tenant and actor, that no address ever reaches the log,
//! and that an audit write that fails fails the operation (no token without its event).

#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests: a failed step is a broken test")]

use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use secrecy::{ExposeSecret as _, SecretString};
use serde_json::Value;
use tp_audit_log::Action;
use tp_audit_log::action::identity as action;
use tp_auth::Role;
use tp_identity::accounts::{self, MfaError, SignInError};
use tp_identity::domain::account_token::AccountToken;
use tp_identity::domain::scope::ScopeSet;
use tp_identity::oauth::create_api_client;
use tp_ids::{ClientId, TenantId, UserId};
use uuid::Uuid;

use crate::accounts::harness::{self, AccountsApp, GOOD_PASSWORD, MAIL_WAIT, email};
use crate::accounts::mfa::enrol;
use crate::federation;
use crate::oauth_fixtures::{OAuthApp, OPERATOR_ID, OPERATOR_SECRET, PORTAL, VERIFIER, spawn};

/// One row of `audit.events`, as the audit service would read it.
#[derive(Debug)]
struct Event {
    outcome: String,
    tenant: Option<Uuid>,
    actor_kind: String,
    actor_id: Option<String>,
    subject: Option<(String, String)>,
    details: Value,
}

impl Event {
    fn detail(&self, key: &str) -> &str {
        self.details[key].as_str().unwrap_or_default()
    }
}

/// Every event of `action`, oldest first (as the admin: the service role cannot read them).
async fn events(admin: &DatabaseConnection, action: Action) -> Vec<Event> {
    let sql = "select outcome, tenant_id, actor_kind, actor_id, subject_kind, subject_id, details::text as details \
               from audit.events where action = $1 order by occurred_at, id";
    let stmt = Statement::from_sql_and_values(DbBackend::Postgres, sql, [action.as_str().into()]);
    let rows = admin.query_all_raw(stmt).await.unwrap();
    rows.iter()
        .map(|row| {
            let subject_kind: Option<String> = row.try_get("", "subject_kind").unwrap();
            let subject_id: Option<String> = row.try_get("", "subject_id").unwrap();
            let details: String = row.try_get("", "details").unwrap();
            Event {
                outcome: row.try_get("", "outcome").unwrap(),
                tenant: row.try_get("", "tenant_id").unwrap(),
                actor_kind: row.try_get("", "actor_kind").unwrap(),
                actor_id: row.try_get("", "actor_id").unwrap(),
                subject: subject_kind.zip(subject_id),
                details: serde_json::from_str(&details).unwrap(),
            }
        })
        .collect()
}

/// The only event of `action`.
async fn single(admin: &DatabaseConnection, action: Action) -> Event {
    let mut found = events(admin, action).await;
    assert_eq!(found.len(), 1, "{action}: {found:?}");
    found.remove(0)
}

/// No event anywhere holds an email address (in its actor, subject or details).
async fn assert_no_addresses(admin: &DatabaseConnection) {
    let sql = "select count(*) from audit.events \
               where position('@' in concat(actor_id, subject_id, details::text)) > 0";
    let row = admin.query_one_raw(Statement::from_string(DbBackend::Postgres, sql)).await.unwrap().unwrap();
    assert_eq!(row.try_get_by_index::<i64>(0).unwrap(), 0, "an address reached the audit log");
}

fn uuid(tenant: TenantId) -> Option<Uuid> {
    Some(*tenant.as_uuid())
}

async fn api_client(oauth: &OAuthApp, tenant: TenantId) -> (ClientId, String) {
    let scopes = ScopeSet::parse_api(["records:read"]).unwrap();
    let created =
        create_api_client(&oauth.db, tenant, "Reporting", &scopes, &tp_audit_log::Actor::System("test"), true)
            .await
            .unwrap();
    (created.client_id, created.secret.expose_secret().to_owned())
}

/// The token of the link to `path` in `message`.
fn link_token(t: &AccountsApp, message: &tp_testkit::smtp::ReceivedMessage, path: &str) -> AccountToken {
    let link = t.link(message, path);
    AccountToken::parse(link.split_once("token=").unwrap().1).unwrap()
}

#[tokio::test]
async fn a_client_credentials_token_is_recorded_as_issued_to_the_client_in_its_tenant() {
    // Arrange
    let oauth = spawn().await;
    let (tenant, other) = (oauth.tenant().await, oauth.tenant().await);
    let (id, secret) = api_client(&oauth, tenant).await;

    // Act
    let (status, body) = oauth.token(&[("grant_type", "client_credentials")], Some((id.as_str(), &secret))).await;
    let operator = [("grant_type", "client_credentials")];
    let (operator_status, _) = oauth.token(&operator, Some((OPERATOR_ID, OPERATOR_SECRET))).await;

    // Assert
    assert_eq!((status, operator_status), (StatusCode::OK, StatusCode::OK), "{body}");
    let issued = events(&oauth.admin, action::TOKEN_ISSUED).await;
    assert_eq!(issued.len(), 2, "{issued:?}");
    let api = &issued[0];
    assert_eq!((api.outcome.as_str(), api.tenant), ("success", uuid(tenant)));
    assert_eq!((api.actor_kind.as_str(), api.actor_id.as_deref()), ("client", Some(id.as_str())));
    assert_eq!((api.detail("grant_type"), api.detail("scope")), ("client_credentials", "records:read"));
    assert!(issued.iter().all(|e| e.tenant != uuid(other)), "nothing lands in another tenant");
    let platform = &issued[1];
    assert_eq!((platform.tenant, platform.actor_id.as_deref()), (None, Some(OPERATOR_ID)), "operator: no tenant");
    let created = single(&oauth.admin, action::API_CLIENT_CREATED).await;
    assert_eq!((created.tenant, created.subject), (uuid(tenant), Some(("client".to_owned(), id.to_string()))));
}

#[tokio::test]
async fn a_failed_client_authentication_is_recorded_against_the_known_client_only() {
    // Arrange
    let oauth = spawn().await;
    let tenant = oauth.tenant().await;
    let (id, _) = api_client(&oauth, tenant).await;
    let grant = [("grant_type", "client_credentials")];

    // Act
    let (wrong, _) = oauth.token(&grant, Some((id.as_str(), "not-the-secret"))).await;
    let (unknown, _) = oauth.token(&grant, Some(("tpc_unknown", "x"))).await;

    // Assert
    assert_eq!((wrong, unknown), (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED));
    let failed = single(&oauth.admin, action::CLIENT_AUTH_FAILED).await;
    assert_eq!((failed.outcome.as_str(), failed.tenant), ("failure", uuid(tenant)));
    assert_eq!((failed.actor_kind.as_str(), failed.actor_id.as_deref()), ("client", Some(id.as_str())));
    assert_eq!(failed.detail("reason"), "wrong_secret");
    assert!(events(&oauth.admin, action::TOKEN_ISSUED).await.is_empty());
}

#[tokio::test]
async fn a_reused_refresh_token_is_recorded_as_denied_and_its_family_is_revoked() {
    // Arrange
    let oauth = spawn().await;
    let person = oauth.person(&["client"]).await;
    let code = oauth.code(&person, "openid", VERIFIER).await;
    let (_, body) = oauth.exchange(&code, VERIFIER).await;
    let first = body["refresh_token"].as_str().unwrap().to_owned();
    let (status, rotated) = oauth.refresh(&first).await;
    assert_eq!(status, StatusCode::OK, "{rotated}");

    // Act
    let (reuse, _) = oauth.refresh(&first).await;

    // Assert
    assert_eq!(reuse, StatusCode::BAD_REQUEST);
    let reused = single(&oauth.admin, action::REFRESH_TOKEN_REUSED).await;
    assert_eq!((reused.outcome.as_str(), reused.tenant), ("denied", uuid(person.tenant)));
    assert_eq!((reused.actor_kind.as_str(), reused.actor_id.as_deref()), ("client", Some(PORTAL)));
    assert_eq!(reused.subject, Some(("session".to_owned(), person.session.to_string())));
    let family: Uuid = reused.detail("refresh_family").parse().unwrap();
    let sql = "select bool_and(revoked_at is not null) from identity.refresh_tokens where family_id = $1";
    assert!(oauth.sql_bool(sql, vec![family.into()]).await, "the family is revoked");
    let issued = single(&oauth.admin, action::TOKEN_ISSUED).await;
    assert_eq!((issued.tenant, issued.actor_id), (uuid(person.tenant), Some(person.user.to_string())));
    let refreshed = single(&oauth.admin, action::TOKEN_REFRESHED).await;
    assert_eq!((refreshed.actor_kind.as_str(), refreshed.tenant), ("user", uuid(person.tenant)));
}

#[tokio::test]
async fn a_replayed_code_is_recorded_as_denied_in_the_persons_tenant() {
    // Arrange
    let oauth = spawn().await;
    let person = oauth.person(&["client"]).await;
    let code = oauth.code(&person, "openid", VERIFIER).await;
    assert_eq!(oauth.exchange(&code, VERIFIER).await.0, StatusCode::OK);

    // Act
    let (status, _) = oauth.exchange(&code, VERIFIER).await;

    // Assert
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let replayed = single(&oauth.admin, action::AUTHORIZATION_CODE_REUSED).await;
    assert_eq!((replayed.outcome.as_str(), replayed.tenant), ("denied", uuid(person.tenant)));
    assert_eq!((replayed.actor_kind.as_str(), replayed.actor_id.as_deref()), ("client", Some(PORTAL)));
    assert_eq!(replayed.detail("user"), person.user.to_string());
    assert!(oauth.session_revoked(person.session).await);
}

#[tokio::test]
async fn client_credentials_fail_and_issue_no_token_when_the_audit_log_refuses_the_event() {
    // Arrange: from now on every insert into the log fails (this test's own database).
    let oauth = spawn().await;
    let tenant = oauth.tenant().await;
    let (id, secret) = api_client(&oauth, tenant).await;
    oauth.sql("alter table audit.events add constraint no_more check (false) not valid", vec![]).await;

    // Act
    let (status, body) = oauth.token(&[("grant_type", "client_credentials")], Some((id.as_str(), &secret))).await;

    // Assert
    assert_eq!((status, body["error"].as_str()), (StatusCode::INTERNAL_SERVER_ERROR, Some("server_error")));
    assert!(body.get("access_token").is_none(), "{body}");
    assert!(events(&oauth.admin, action::TOKEN_ISSUED).await.is_empty());
}

#[tokio::test]
async fn an_invitation_sent_and_accepted_are_recorded_in_the_practice_with_who_acted() {
    // Arrange
    let t = harness::spawn().await;
    let (tenant, other) = (t.create_tenant("Practice A").await, t.create_tenant("Practice B").await);
    let admin = UserId::generate();
    let address = "invited.person@example.com";

    // Act
    let roles = [Role::Clinician];
    let actor = tp_audit_log::Actor::User(admin);
    let outcome = accounts::invite(&t.state, tenant, &email(address), &roles, actor).await.unwrap();
    let message = t.smtp.wait_for_message(address, MAIL_WAIT).await;
    let token = link_token(&t, &message, "/account/accept-invite");
    accounts::accept_invite(&t.state, &token, Some(SecretString::from(GOOD_PASSWORD))).await.unwrap();

    // Assert
    let sent = single(&t.admin, action::INVITATION_SENT).await;
    assert_eq!((sent.outcome.as_str(), sent.tenant), ("success", uuid(tenant)));
    assert_eq!((sent.actor_kind.as_str(), sent.actor_id.clone()), ("user", Some(admin.to_string())));
    assert_eq!(sent.subject, Some(("user".to_owned(), outcome.user.to_string())));
    assert_eq!((sent.detail("roles"), sent.detail("new_account")), ("clinician", "true"));
    let accepted = single(&t.admin, action::INVITATION_ACCEPTED).await;
    assert_eq!((accepted.tenant, accepted.actor_id), (uuid(tenant), Some(outcome.user.to_string())));
    assert_ne!(accepted.tenant, uuid(other));
    assert_no_addresses(&t.admin).await;
}

#[tokio::test]
async fn a_completed_password_reset_is_recorded_for_the_account_without_a_tenant() {
    // Arrange
    let t = harness::spawn().await;
    let address = "resetting@example.com";
    let user = t.create_active_user(address, GOOD_PASSWORD).await;
    accounts::request_password_reset(&t.state, &email(address)).await.unwrap();
    let message = t.smtp.wait_for_message(address, MAIL_WAIT).await;
    let token = link_token(&t, &message, "/account/reset-password");

    // Act
    let new_password = SecretString::from("copper kettles hum beside frozen rivers");
    accounts::reset_password(&t.state, &token, new_password).await.unwrap();

    // Assert
    for what in [action::PASSWORD_RESET_REQUESTED, action::PASSWORD_RESET_COMPLETED] {
        let event = single(&t.admin, what).await;
        assert_eq!((event.outcome.as_str(), event.tenant), ("success", None), "{what}");
        assert_eq!((event.actor_kind.as_str(), event.actor_id.clone()), ("user", Some(user.to_string())), "{what}");
    }
    assert_no_addresses(&t.admin).await;
}

#[tokio::test]
async fn wrong_second_factors_are_recorded_and_so_is_the_lockout_they_cause() {
    // Arrange
    let t = harness::spawn().await;
    let user = t.create_active_user("mfa.audit@example.com", GOOD_PASSWORD).await;
    enrol(&t, user).await;

    // Act: five wrong codes lock the account; a sixth attempt meets the lock.
    let mut outcomes = Vec::new();
    for _ in 0..6 {
        outcomes.push(accounts::verify_second_factor(&t.state, user, SecretString::from("wrong-guess")).await);
    }

    // Assert
    assert!(matches!(outcomes[5], Err(MfaError::Locked { .. })), "{outcomes:?}");
    let failed = events(&t.admin, action::MFA_FAILED).await;
    let reasons: Vec<(&str, &str)> = failed.iter().map(|e| (e.outcome.as_str(), e.detail("reason"))).collect();
    let mut expected = vec![("failure", "invalid_code"); 5];
    expected.push(("denied", "locked"));
    assert_eq!(reasons, expected);
    assert!(failed.iter().all(|e| e.tenant.is_none() && e.actor_id == Some(user.to_string())));
    let locked = single(&t.admin, action::ACCOUNT_LOCKED).await;
    assert_eq!((locked.actor_kind.as_str(), locked.actor_id.as_deref()), ("system", Some("lockout")));
    assert_eq!((locked.subject.clone(), locked.detail("failures")), (Some(("user".to_owned(), user.to_string())), "5"));
    assert_eq!(single(&t.admin, action::MFA_ENROLLED).await.actor_id, Some(user.to_string()));
}

#[tokio::test]
async fn a_sign_in_with_an_unknown_address_is_recorded_anonymously_without_a_subject() {
    // Arrange
    let t = harness::spawn().await;
    let user = t.create_active_user("known.person@example.com", GOOD_PASSWORD).await;

    // Act
    let unknown = accounts::authenticate_password(&t.state, &email("nobody@example.com"), "some password".into()).await;
    let wrong =
        accounts::authenticate_password(&t.state, &email("known.person@example.com"), "not it at all".into()).await;

    // Assert
    assert!(matches!(unknown, Err(SignInError::InvalidCredentials)) && wrong.is_err());
    let failed = events(&t.admin, action::SIGN_IN_FAILED).await;
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert_eq!((failed[0].actor_kind.as_str(), &failed[0].actor_id, &failed[0].subject), ("anonymous", &None, &None));
    assert_eq!(failed[0].detail("reason"), "unknown_account");
    assert_eq!((failed[1].actor_id.clone(), failed[1].detail("reason")), (Some(user.to_string()), "wrong_password"));
    assert_no_addresses(&t.admin).await;
}

#[tokio::test]
async fn an_sso_sign_in_from_a_domain_the_practice_did_not_allow_is_recorded_as_denied() {
    // Arrange
    let world = federation::world().await;
    let practice = federation::practice(&world, world.idp.issuer()).await;
    federation::member(&world.admin, practice.tenant, "mallory@elsewhere.example", "invited").await;
    let alice = federation::member(&world.admin, practice.tenant, "alice@clinic.example", "invited").await;

    // Act
    let refused_browser = federation::browser();
    let callback = federation::through_idp(&world, &world.idp, &refused_browser, &practice.slug, "mallory").await;
    let (refused, _) = federation::visit(&refused_browser, &callback).await;
    let browser = federation::browser();
    let callback = federation::through_idp(&world, &world.idp, &browser, &practice.slug, "alice").await;
    let (allowed, body) = federation::visit(&browser, &callback).await;

    // Assert
    assert_eq!((refused, allowed), (403, 200), "{body}");
    let failed = single(&world.admin, action::SSO_SIGN_IN_FAILED).await;
    assert_eq!((failed.outcome.as_str(), failed.tenant), ("denied", uuid(practice.tenant)));
    assert_eq!((failed.actor_kind.as_str(), &failed.subject), ("anonymous", &None));
    assert_eq!(failed.detail("reason"), "IDENTITY_SSO_DOMAIN_NOT_ALLOWED");
    assert_eq!(events(&world.admin, action::SSO_SIGN_IN_STARTED).await.len(), 2);
    for what in [action::SSO_SIGN_IN_SUCCEEDED, action::MEMBERSHIP_ACTIVATED] {
        let event = single(&world.admin, what).await;
        assert_eq!((event.tenant, event.actor_id), (uuid(practice.tenant), Some(alice.to_string())), "{what}");
    }
    assert_no_addresses(&world.admin).await;
}
