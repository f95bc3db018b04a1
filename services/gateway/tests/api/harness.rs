//! The platform as the gateway's tests see it: a real identity, records, audit, consent and
//! scheduling (own databases, the shared Redis and OpenBao) and one or more gateways in front of them,
//! people of practices signed in through a real code exchange, and a GraphQL client.

use std::time::Duration;

use chrono::Utc;
use figment::Figment;
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, Value as SqlValue};
use secrecy::ExposeSecret as _;
use serde_json::{Value, json};
use tp_audit::Audit;
use tp_consent::Consent;
use tp_gateway::Gateway;
use tp_identity::Identity;
use tp_identity::domain::pkce::{CodeChallenge, CodeVerifier};
use tp_identity::domain::scope::ScopeSet;
use tp_identity::oauth::{NewCode, issue_code};
use tp_ids::{ClientId, Service, SessionId, TenantId, UserId};
use tp_records::Records;
use tp_scheduling::Scheduling;
use tp_testkit::app::{TestApp, spawn_app_with};
use tp_testkit::smtp::SmtpSink;
use uuid::Uuid;

pub const PORTAL: &str = "portal";
/// The public base URL identity builds records links on (the gateway's port is not known
/// when identity starts: tests put the gateway's address in its place).
pub const SHARED_RECORDS_URL: &str = "https://gateway.example.test";
const OPERATOR_ID: &str = "operator";
const OPERATOR_SECRET: &str = "operator-secret-for-tests-only-0123456789";
const PORTAL_REDIRECT: &str = "http://127.0.0.1:9/callback";
const VERIFIER: &str = "a-verifier-of-43-or-more-unreserved-chars.~_0123";

pub struct Platform {
    pub identity: TestApp,
    pub records: TestApp,
    pub audit: TestApp,
    pub consent: TestApp,
    pub scheduling: TestApp,
    /// The first gateway (set once built); see [`Platform::gateway`].
    gateway: Option<TestApp>,
    /// identity's own database role, as the service uses it.
    pub identity_db: DatabaseConnection,
    /// Superuser of the test database: arranging rows.
    pub admin: DatabaseConnection,
    pub http: reqwest::Client,
    /// Kept alive: identity sends invitations and records links to it.
    pub smtp: SmtpSink,
}

/// A member of a practice with a live session and a real access token.
#[derive(Clone, Debug)]
pub struct Person {
    pub user: UserId,
    pub tenant: TenantId,
    pub session: SessionId,
    pub token: String,
}

pub async fn spawn() -> Platform {
    spawn_with(|figment| figment).await
}

/// A platform whose gateway takes extra settings (limits, a downstream URL…).
pub async fn spawn_with(configure: impl FnOnce(Figment) -> Figment) -> Platform {
    // Invitations go out by email: a real SMTP sink takes them.
    let smtp = SmtpSink::start().await;
    let smtp_port = smtp.port();
    let identity = spawn_app_with::<Identity>(|figment| {
        figment
            .merge(("identity.smtp.port", smtp_port))
            .merge((
                "identity.first_party_clients",
                json!([{ "id": PORTAL, "name": "Portal", "redirect_uris": [PORTAL_REDIRECT] }]),
            ))
            .merge(("identity.operator_client", json!({ "id": OPERATOR_ID, "secret": OPERATOR_SECRET })))
            .merge(("identity.shared_records_url", SHARED_RECORDS_URL))
    })
    .await;
    // consent first: records asks it for disclosure decisions.
    let issuer = identity.address.clone();
    let consent = spawn_app_with::<Consent>(move |figment| {
        figment
            .merge(("consent.auth.issuer", issuer.clone()))
            .merge(("consent.auth.audience", "telehealth-api"))
            .merge(("consent.identity_url", issuer))
    })
    .await;
    let (issuer, consent_url) = (identity.address.clone(), consent.address.clone());
    let records = spawn_app_with::<Records>(move |figment| {
        figment
            .merge(("records.identity_url", issuer.clone()))
            .merge(("records.consent_url", consent_url))
            .merge(("records.auth.issuer", issuer))
            .merge(("records.auth.audience", "telehealth-api"))
    })
    .await;
    // The audit service reads the events records writes: in production one database holds
    // every schema; here it is pointed at records' test database (no sealing needed).
    let records_db = records.db.as_ref().unwrap().url_as(Service::Audit).expose_secret().to_owned();
    let issuer = identity.address.clone();
    let audit = spawn_app_with::<Audit>(move |figment| {
        figment
            .merge(("database.url", records_db))
            .merge(("audit.auth.issuer", issuer))
            .merge(("audit.auth.audience", "telehealth-api"))
            .merge(("audit.seal_interval_secs", 0))
    })
    .await;
    // scheduling asks consent whether a client may be booked or recorded, and identity who
    // is a clinician or a client of the practice.
    let (issuer, consent_url) = (identity.address.clone(), consent.address.clone());
    let scheduling = spawn_app_with::<Scheduling>(move |figment| {
        figment
            .merge(("scheduling.auth.issuer", issuer.clone()))
            .merge(("scheduling.auth.audience", "telehealth-api"))
            .merge(("scheduling.consent_url", consent_url))
            .merge(("scheduling.identity_url", issuer))
    })
    .await;
    let test_db = identity.db.as_ref().unwrap();
    let identity_db = test_db.connect_as(Service::Identity).await;
    let admin = test_db.connect_admin().await;
    let mut platform = Platform {
        gateway: None,
        identity,
        records,
        audit,
        consent,
        scheduling,
        identity_db,
        admin,
        http: reqwest::Client::new(),
        smtp,
    };
    platform.gateway = Some(platform.gateway_with(configure).await);
    platform
}

impl Platform {
    /// The first gateway, in front of this platform's services.
    pub fn gateway(&self) -> &TestApp {
        self.gateway.as_ref().expect("built in spawn_with")
    }

    /// Another gateway in front of the same services (a second replica, or one with other
    /// settings: `configure` is applied last).
    pub async fn gateway_with(&self, configure: impl FnOnce(Figment) -> Figment) -> TestApp {
        let (identity, records) = (self.identity.address.clone(), self.records.address.clone());
        let (audit, consent) = (self.audit.address.clone(), self.consent.address.clone());
        let scheduling = self.scheduling.address.clone();
        spawn_app_with::<Gateway>(move |figment| {
            configure(
                figment
                    .merge(("gateway.identity_url", identity.clone()))
                    .merge(("gateway.records_url", records))
                    .merge(("gateway.audit_url", audit))
                    .merge(("gateway.consent_url", consent))
                    .merge(("gateway.scheduling_url", scheduling))
                    .merge(("gateway.auth.issuer", identity))
                    .merge(("gateway.auth.audience", "telehealth-api")),
            )
        })
        .await
    }

    pub async fn sql(&self, sql: &str, values: Vec<SqlValue>) {
        self.admin.execute_raw(Statement::from_sql_and_values(DbBackend::Postgres, sql, values)).await.unwrap();
    }

    pub async fn tenant(&self) -> TenantId {
        let tenant = TenantId::generate();
        let slug = format!("t-{}", tenant.as_uuid().simple());
        let sql = "insert into identity.tenants (id, slug, name) values ($1, $2, 'Practice')";
        self.sql(sql, vec![Uuid::from(tenant).into(), slug.into()]).await;
        // What identity's tenant creation does too: the practice's own encryption key.
        tp_testkit::vault::create_tenant_key(&tenant).await;
        tenant
    }

    /// A member of `tenant` with `roles`, signed in, with an access token from the token
    /// endpoint.
    pub async fn person(&self, tenant: TenantId, roles: &[&str]) -> Person {
        let user = UserId::generate();
        let email = format!("{}@example.test", user.as_uuid().simple());
        let sql = "insert into identity.users (id, email, email_verified_at, display_name, status) \
                   values ($1, $2, now(), 'Test Person', 'active')";
        self.sql(sql, vec![Uuid::from(user).into(), email.into()]).await;
        let names: Vec<String> = roles.iter().map(|r| (*r).to_owned()).collect();
        let sql = "insert into identity.memberships (tenant_id, user_id, roles, status) values ($1, $2, $3, 'active')";
        self.sql(sql, vec![Uuid::from(tenant).into(), Uuid::from(user).into(), names.into()]).await;
        let session = SessionId::generate();
        let sql = "insert into identity.sessions (id, token_hash, user_id, tenant_id, stage, amr, expires_at) \
                   values ($1, $2, $3, $4, 'authenticated', '{pwd,otp}', now() + interval '12 hours')";
        let hash = Uuid::new_v4().as_bytes().to_vec();
        let values = vec![Uuid::from(session).into(), hash.into(), Uuid::from(user).into(), Uuid::from(tenant).into()];
        self.sql(sql, values).await;
        let token = self.exchange(user, tenant, session).await;
        Person { user, tenant, session, token }
    }

    async fn exchange(&self, user: UserId, tenant: TenantId, session: SessionId) -> String {
        let new = NewCode {
            client_id: ClientId::parse(PORTAL).unwrap(),
            user,
            tenant: Some(tenant),
            session,
            redirect_uri: PORTAL_REDIRECT.to_owned(),
            scopes: ScopeSet::parse("openid").unwrap(),
            nonce: None,
            code_challenge: CodeChallenge::s256(&CodeVerifier::parse(VERIFIER).unwrap()),
            auth_time: Utc::now(),
        };
        let code = issue_code(&self.identity_db, Duration::from_secs(60), new).await.unwrap();
        let form = [
            ("grant_type", "authorization_code"),
            ("client_id", PORTAL),
            ("code", code.as_str()),
            ("redirect_uri", PORTAL_REDIRECT),
            ("code_verifier", VERIFIER),
        ];
        let response =
            self.http.post(format!("{}/oauth2/token", self.identity.address)).form(&form).send().await.unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        assert_eq!(status, StatusCode::OK, "token exchange: {body}");
        body["access_token"].as_str().unwrap().to_owned()
    }

    /// Puts `client` on `clinician`'s care team (a row as identity's admin API writes it).
    pub async fn assign(&self, tenant: TenantId, clinician: UserId, client: UserId) {
        let sql = "insert into identity.care_teams (tenant_id, clinician_id, client_id) values ($1, $2, $3)";
        self.sql(sql, vec![Uuid::from(tenant).into(), Uuid::from(clinician).into(), Uuid::from(client).into()]).await;
    }

    /// An approved API client of `tenant` with `scopes`: its id and access token.
    pub async fn api_client(&self, tenant: TenantId, scopes: &[&str]) -> (String, String) {
        let admin = self.person(tenant, &["practice_admin"]).await;
        let url = format!("{}/v1/tenants/{tenant}/api-clients", self.identity.address);
        let body = json!({ "name": "Integration", "scopes": scopes });
        let response = self.http.post(url).bearer_auth(&admin.token).json(&body).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        let created: Value = response.json().await.unwrap();
        let (id, secret) = (created["client_id"].as_str().unwrap(), created["client_secret"].as_str().unwrap());
        (id.to_owned(), self.client_credentials(id, secret).await)
    }

    /// The platform operator's access token (tenant-less).
    pub async fn operator_token(&self) -> String {
        self.client_credentials(OPERATOR_ID, OPERATOR_SECRET).await
    }

    async fn client_credentials(&self, id: &str, secret: &str) -> String {
        let response = self
            .http
            .post(format!("{}/oauth2/token", self.identity.address))
            .basic_auth(id, Some(secret))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .unwrap();
        let body: Value = response.json().await.unwrap();
        body["access_token"].as_str().unwrap_or_else(|| panic!("client token: {body}")).to_owned()
    }

    /// POSTs a GraphQL operation to the first gateway.
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> (StatusCode, Value) {
        gql_at(&self.http, &self.gateway().address, token, query, variables).await
    }
}

pub async fn gql_at(
    http: &reqwest::Client,
    gateway: &str,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> (StatusCode, Value) {
    let mut request = http.post(format!("{gateway}/graphql")).json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("gateway answers");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The `extensions.code` of every error of a GraphQL answer.
pub fn codes(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|errors| errors.iter().filter_map(|e| e["extensions"]["code"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}
