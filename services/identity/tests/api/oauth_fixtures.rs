//! Fixtures of the OAuth tests: a running identity with an operator client and a
//! first-party public client, people signed in (rows written as the admin, as the sign-in
//! flow would), codes issued through `issue_code`, and token requests.

#![expect(clippy::unwrap_used, reason = "test helpers: a failed set-up must stop the test where it failed")]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use redis::aio::MultiplexedConnection;
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, Value as SqlValue};
use serde_json::{Value, json};
use std::time::Duration;
use tp_identity::Identity;
use tp_identity::domain::pkce::{CodeChallenge, CodeVerifier};
use tp_identity::domain::scope::ScopeSet;
use tp_identity::oauth::{NewCode, issue_code};
use tp_ids::{ClientId, Service, SessionId, TenantId, UserId};
use tp_testkit::TestEnv;
use tp_testkit::app::{TestApp, spawn_app_with};
use uuid::Uuid;

pub const OPERATOR_ID: &str = "operator";
pub const OPERATOR_SECRET: &str = "operator-secret-for-tests-only-0123456789";
pub const PORTAL: &str = "portal";
pub const PORTAL_REDIRECT: &str = "http://127.0.0.1:9/callback";
pub const VERIFIER: &str = "a-verifier-of-43-or-more-unreserved-chars.~_0123";

pub struct OAuthApp {
    pub app: TestApp,
    /// identity's own role: what the service itself may do.
    pub db: DatabaseConnection,
    /// Superuser: arranging rows and bending time.
    pub admin: DatabaseConnection,
    pub redis: MultiplexedConnection,
}

/// A person with an active membership and an authenticated session in `tenant`.
pub struct Person {
    pub user: UserId,
    pub tenant: TenantId,
    pub session: SessionId,
}

/// The gateway's public base URL identity builds records links on.
pub const SHARED_RECORDS_URL: &str = "https://gateway.example.test";

pub async fn spawn() -> OAuthApp {
    spawn_with_signing_key("identity-token-signing").await
}

pub async fn spawn_with_signing_key(key: &str) -> OAuthApp {
    spawn_configured(key, None).await
}

/// [`spawn`] sending account emails to the SMTP sink on `smtp_port`.
pub async fn spawn_with_mail(smtp_port: u16) -> OAuthApp {
    spawn_configured("identity-token-signing", Some(smtp_port)).await
}

async fn spawn_configured(key: &str, smtp_port: Option<u16>) -> OAuthApp {
    let key = key.to_owned();
    let app = spawn_app_with::<Identity>(move |figment| {
        let figment = match smtp_port {
            Some(port) => figment.merge(("identity.smtp.port", port)),
            None => figment,
        };
        figment
            .merge(("identity.signing_key", key))
            .merge(("identity.shared_records_url", SHARED_RECORDS_URL))
            .merge(("identity.operator_client", json!({ "id": OPERATOR_ID, "secret": OPERATOR_SECRET })))
            .merge((
                "identity.first_party_clients",
                json!([{ "id": PORTAL, "name": "Portal", "redirect_uris": [PORTAL_REDIRECT] }]),
            ))
    })
    .await;
    let test_db = app.db.as_ref().unwrap();
    let db = test_db.connect_as(Service::Identity).await;
    let admin = test_db.connect_admin().await;
    let redis = redis::Client::open(TestEnv::get().redis_url()).unwrap();
    let redis = redis.get_multiplexed_async_connection().await.unwrap();
    OAuthApp { app, db, admin, redis }
}

impl OAuthApp {
    pub async fn sql(&self, sql: &str, values: Vec<SqlValue>) {
        self.admin.execute_raw(Statement::from_sql_and_values(DbBackend::Postgres, sql, values)).await.unwrap();
    }

    pub async fn sql_bool(&self, sql: &str, values: Vec<SqlValue>) -> bool {
        let stmt = Statement::from_sql_and_values(DbBackend::Postgres, sql, values);
        let row = self.admin.query_one_raw(stmt).await.unwrap().unwrap();
        row.try_get_by_index(0).unwrap()
    }

    pub async fn tenant(&self) -> TenantId {
        let tenant = TenantId::generate();
        let slug = format!("t-{}", tenant.as_uuid().simple());
        let sql = "insert into identity.tenants (id, slug, name) values ($1, $2, 'Practice')";
        self.sql(sql, vec![Uuid::from(tenant).into(), slug.into()]).await;
        tenant
    }

    /// Signs a person in to a new tenant with `roles`.
    pub async fn person(&self, roles: &[&str]) -> Person {
        let tenant = self.tenant().await;
        let user = UserId::generate();
        let email = format!("{}@example.test", user.as_uuid().simple());
        let sql = "insert into identity.users (id, email, email_verified_at, display_name, status) \
                   values ($1, $2, now(), 'Dr Test', 'active')";
        self.sql(sql, vec![Uuid::from(user).into(), email.into()]).await;
        let roles: Vec<String> = roles.iter().map(|r| (*r).to_owned()).collect();
        let sql = "insert into identity.memberships (tenant_id, user_id, roles, status) values ($1, $2, $3, 'active')";
        self.sql(sql, vec![Uuid::from(tenant).into(), Uuid::from(user).into(), roles.into()]).await;
        let session = SessionId::generate();
        let sql = "insert into identity.sessions (id, token_hash, user_id, tenant_id, stage, amr, expires_at) \
                   values ($1, $2, $3, $4, 'authenticated', '{pwd,otp}', now() + interval '12 hours')";
        let token_hash = Uuid::new_v4().as_bytes().to_vec();
        let values =
            vec![Uuid::from(session).into(), token_hash.into(), Uuid::from(user).into(), Uuid::from(tenant).into()];
        self.sql(sql, values).await;
        Person { user, tenant, session }
    }

    /// A code for the portal, as the authorize endpoint issues it after sign-in.
    pub async fn code(&self, person: &Person, scopes: &str, verifier: &str) -> String {
        let new = NewCode {
            client_id: ClientId::parse(PORTAL).unwrap(),
            user: person.user,
            tenant: Some(person.tenant),
            session: person.session,
            redirect_uri: PORTAL_REDIRECT.to_owned(),
            scopes: ScopeSet::parse(scopes).unwrap(),
            nonce: Some("n-0S6_WzA2Mj".to_owned()),
            code_challenge: CodeChallenge::s256(&CodeVerifier::parse(verifier).unwrap()),
            auth_time: Utc::now(),
        };
        issue_code(&self.db, Duration::from_secs(60), new).await.unwrap()
    }

    /// POSTs a form to the token endpoint, with HTTP Basic credentials if given.
    pub async fn post(&self, path: &str, form: &[(&str, &str)], basic: Option<(&str, &str)>) -> (StatusCode, Value) {
        let mut request = self
            .app
            .client
            .post(format!("{}{path}", self.app.address))
            .header("content-type", FORM)
            .body(form_body(form));
        if let Some((id, secret)) = basic {
            request = request.header("authorization", format!("Basic {}", STANDARD.encode(format!("{id}:{secret}"))));
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn token(&self, form: &[(&str, &str)], basic: Option<(&str, &str)>) -> (StatusCode, Value) {
        self.post("/oauth2/token", form, basic).await
    }

    /// Exchanges a portal code with the right redirect_uri and `verifier`.
    pub async fn exchange(&self, code: &str, verifier: &str) -> (StatusCode, Value) {
        let form = [
            ("grant_type", "authorization_code"),
            ("client_id", PORTAL),
            ("code", code),
            ("redirect_uri", PORTAL_REDIRECT),
            ("code_verifier", verifier),
        ];
        self.token(&form, None).await
    }

    pub async fn refresh(&self, refresh_token: &str) -> (StatusCode, Value) {
        self.token(&[("grant_type", "refresh_token"), ("client_id", PORTAL), ("refresh_token", refresh_token)], None)
            .await
    }

    pub async fn jwks(&self) -> Value {
        self.app.get("/oauth2/jwks").await.json().await.unwrap()
    }

    pub async fn userinfo(&self, access_token: &str) -> reqwest::Response {
        let url = format!("{}/oauth2/userinfo", self.app.address);
        self.app.client.get(url).bearer_auth(access_token).send().await.unwrap()
    }

    pub async fn is_sid_revoked(&self, sid: SessionId) -> bool {
        let mut redis = self.redis.clone();
        let key = format!("{}{sid}", tp_auth::REVOKED_SESSION_PREFIX);
        redis::cmd("EXISTS").arg(key).query_async::<bool>(&mut redis).await.unwrap()
    }

    pub async fn session_revoked(&self, session: SessionId) -> bool {
        let sql = "select revoked_at is not null from identity.sessions where id = $1";
        self.sql_bool(sql, vec![Uuid::from(session).into()]).await
    }

    /// A Redis handle of the kind the service holds, for the functions that take one.
    pub async fn manager(&self) -> redis::aio::ConnectionManager {
        let client = redis::Client::open(TestEnv::get().redis_url()).unwrap();
        redis::aio::ConnectionManager::new(client).await.unwrap()
    }

    pub fn issuer(&self) -> &str {
        &self.app.address
    }
}

pub const FORM: &str = "application/x-www-form-urlencoded";

/// `application/x-www-form-urlencoded` of `pairs` (reqwest is built without its form feature).
pub fn form_body(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
}

/// Verifies `token` against `jwks` as a third party would (jsonwebtoken, ES256 only) and
/// returns its header and claims.
pub fn verify(token: &str, jwks: &Value, audience: &str, issuer: &str) -> (jsonwebtoken::Header, Value) {
    let header = jsonwebtoken::decode_header(token).unwrap();
    let kid = header.kid.clone().unwrap();
    let keys = jwks["keys"].as_array().unwrap();
    let jwk = keys.iter().find(|k| k["kid"] == kid.as_str()).unwrap_or_else(|| panic!("{kid} not in {jwks}"));
    let key = DecodingKey::from_ec_components(jwk["x"].as_str().unwrap(), jwk["y"].as_str().unwrap()).unwrap();
    let mut validation = Validation::new(Algorithm::ES256);
    validation.set_audience(&[audience]);
    validation.set_issuer(&[issuer]);
    let data = jsonwebtoken::decode::<Value>(token, &key, &validation).unwrap();
    (data.header, data.claims)
}
