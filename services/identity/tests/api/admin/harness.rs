//! An identity with an operator client plus helpers to make people of a practice, get their
//! tokens, and call the admin API.

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers: a failed set-up must stop the test where it failed"
)]

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tp_ids::{SessionId, TenantId, UserId};
use uuid::Uuid;

use tp_testkit::smtp::SmtpSink;

use crate::oauth_fixtures::{OAuthApp, OPERATOR_ID, OPERATOR_SECRET, Person, VERIFIER, spawn, spawn_with_mail};

pub struct AdminApp {
    pub oauth: OAuthApp,
    pub operator: String,
}

pub async fn admin_app() -> AdminApp {
    with_operator(spawn().await).await
}

/// [`admin_app`] whose account emails (invitations) go to `smtp`.
pub async fn admin_app_with_mail(smtp: &SmtpSink) -> AdminApp {
    with_operator(spawn_with_mail(smtp.port()).await).await
}

async fn with_operator(oauth: OAuthApp) -> AdminApp {
    let (status, body) =
        oauth.token(&[("grant_type", "client_credentials")], Some((OPERATOR_ID, OPERATOR_SECRET))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let operator = body["access_token"].as_str().unwrap().to_owned();
    AdminApp { oauth, operator }
}

impl AdminApp {
    /// Calls the admin API with `token`; returns the status and the JSON body (Null if none).
    pub async fn call(&self, token: &str, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let app = &self.oauth.app;
        let mut request = app.client.request(method, format!("{}{path}", app.address)).bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// A tenant created through the API by the operator.
    pub async fn create_tenant(&self, slug: &str) -> TenantId {
        let body = json!({ "slug": slug, "name": format!("Practice {slug}") });
        let (status, tenant) = self.call(&self.operator, Method::POST, "/v1/tenants", Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{tenant}");
        TenantId::parse(tenant["id"].as_str().unwrap()).unwrap()
    }

    /// An active member of `tenant` with `roles`, signed in (a session row as sign-in makes).
    pub async fn member(&self, tenant: TenantId, roles: &[&str]) -> Person {
        let user = UserId::generate();
        let email = format!("{}@example.test", user.as_uuid().simple());
        let sql = "insert into identity.users (id, email, email_verified_at, status) values ($1, $2, now(), 'active')";
        self.oauth.sql(sql, vec![Uuid::from(user).into(), email.into()]).await;
        let roles: Vec<String> = roles.iter().map(|r| (*r).to_owned()).collect();
        let sql = "insert into identity.memberships (tenant_id, user_id, roles, status) values ($1, $2, $3, 'active')";
        self.oauth.sql(sql, vec![Uuid::from(tenant).into(), Uuid::from(user).into(), roles.into()]).await;
        let session = SessionId::generate();
        let sql = "insert into identity.sessions (id, token_hash, user_id, tenant_id, stage, amr, expires_at) \
                   values ($1, $2, $3, $4, 'authenticated', '{pwd,otp}', now() + interval '12 hours')";
        let hash = Uuid::new_v4().as_bytes().to_vec();
        let values = vec![Uuid::from(session).into(), hash.into(), Uuid::from(user).into(), Uuid::from(tenant).into()];
        self.oauth.sql(sql, values).await;
        Person { user, tenant, session }
    }

    /// The person's access token, through a real code exchange.
    pub async fn token_of(&self, person: &Person) -> String {
        let code = self.oauth.code(person, "openid", VERIFIER).await;
        let (status, body) = self.oauth.exchange(&code, VERIFIER).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["access_token"].as_str().unwrap().to_owned()
    }

    /// Approves `client` of `tenant` as a (new) practice admin of it.
    pub async fn approve(&self, tenant: TenantId, client: &str) {
        let admin = self.token_of(&self.member(tenant, &["practice_admin"]).await).await;
        let path = format!("/v1/tenants/{tenant}/api-clients/{client}/approve");
        let (status, body) = self.call(&admin, Method::POST, &path, None).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    }

    /// An approved API client of `tenant` with `scopes`, and its client-credentials token.
    pub async fn api_client_token(&self, tenant: TenantId, scopes: &[&str]) -> String {
        let body = json!({ "name": "sync", "scopes": scopes });
        let path = format!("/v1/tenants/{tenant}/api-clients");
        let (status, client) = self.call(&self.operator, Method::POST, &path, Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{client}");
        let creds = (client["client_id"].as_str().unwrap(), client["client_secret"].as_str().unwrap());
        self.approve(tenant, creds.0).await;
        let (status, tokens) = self.oauth.token(&[("grant_type", "client_credentials")], Some(creds)).await;
        assert_eq!(status, StatusCode::OK, "{tokens}");
        tokens["access_token"].as_str().unwrap().to_owned()
    }

    /// Audit actions recorded for `tenant`, oldest first.
    pub async fn audit_actions(&self, tenant: TenantId) -> Vec<String> {
        let sql = "select action from audit.events where tenant_id = $1 order by occurred_at, id";
        let stmt =
            sea_orm::Statement::from_sql_and_values(sea_orm::DbBackend::Postgres, sql, [Uuid::from(tenant).into()]);
        let rows = sea_orm::ConnectionTrait::query_all_raw(&self.oauth.admin, stmt).await.unwrap();
        rows.iter().map(|r| r.try_get::<String>("", "action").unwrap()).collect()
    }
}
