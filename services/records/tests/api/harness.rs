//! The platform as records' tests see it: a real identity (own database, issues the tokens,
//! answers care-team checks), a real consent when a test needs decisions (own database), and
//! a real records, in front of the shared PostgreSQL, Redis and OpenBao; practices with their
//! Vault key, people with real access tokens, and typed calls of records' API.

use std::time::Duration;

use chrono::Utc;
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, QueryResult, Statement, Value as SqlValue};
use serde_json::{Value, json};
use tp_consent::Consent;
use tp_identity::Identity;
use tp_identity::domain::pkce::{CodeChallenge, CodeVerifier};
use tp_identity::domain::scope::ScopeSet;
use tp_identity::oauth::{NewCode, issue_code};
use tp_ids::{ClientId, Service, SessionId, TenantId, UserId};
use tp_records::Records;
use tp_records_api::chart::{Demographics, EmergencyContact};
use tp_records_api::paths;
use tp_testkit::app::{TestApp, spawn_app_with};
use tp_testkit::smtp::SmtpSink;
use uuid::Uuid;

const PORTAL: &str = "portal";
const PORTAL_REDIRECT: &str = "http://127.0.0.1:9/callback";
const VERIFIER: &str = "a-verifier-of-43-or-more-unreserved-chars.~_0123";

pub struct Platform {
    pub identity: TestApp,
    pub records: TestApp,
    /// The consent service records asks, when the platform has one ([`spawn_with_consent`]).
    pub consent: Option<TestApp>,
    /// identity's own role on its database: issuing codes as identity does.
    identity_db: DatabaseConnection,
    /// Superuser of identity's test database: arranging people and care teams.
    identity_admin: DatabaseConnection,
    /// Superuser of records' test database: reading raw rows, tampering, breaking the log.
    pub records_admin: DatabaseConnection,
    pub http: reqwest::Client,
    /// Where identity's emails land (break-glass notifications to admins).
    pub smtp: SmtpSink,
}

/// A member of a practice with a live session and a real access token.
#[derive(Clone, Debug)]
pub struct Person {
    pub user: UserId,
    pub token: String,
}

impl Person {
    pub fn email(&self) -> String {
        email_of(self.user)
    }
}

fn email_of(user: UserId) -> String {
    format!("{}@example.test", user.as_uuid().simple())
}

/// An address nothing listens on: a dependency that is down.
pub const DEAD: &str = "http://127.0.0.1:9";

/// The platform without consent: records' consent URL is dead, which only disclosure
/// packages would notice (see [`spawn_with_consent`]).
pub async fn spawn() -> Platform {
    spawn_platform(false).await
}

/// The platform with a real consent service (its own database) that records asks for
/// decisions, and that the tests drive as the client does.
pub async fn spawn_with_consent() -> Platform {
    spawn_platform(true).await
}

async fn spawn_platform(with_consent: bool) -> Platform {
    let smtp = SmtpSink::start().await;
    let smtp_port = smtp.port();
    let identity = spawn_app_with::<Identity>(|figment| {
        figment.merge(("identity.smtp.port", smtp_port)).merge((
            "identity.first_party_clients",
            json!([{ "id": PORTAL, "name": "Portal", "redirect_uris": [PORTAL_REDIRECT] }]),
        ))
    })
    .await;
    let consent = match with_consent {
        true => Some(consent_for(&identity.address).await),
        false => None,
    };
    let consent_url = consent.as_ref().map_or(DEAD, |consent| consent.address.as_str());
    let urls = Urls { identity: &identity.address, issuer: &identity.address, consent: consent_url };
    let records = records_at(urls, None).await;
    let identity_test_db = identity.db.as_ref().unwrap();
    let identity_db = identity_test_db.connect_as(Service::Identity).await;
    let identity_admin = identity_test_db.connect_admin().await;
    let records_admin = records.db.as_ref().unwrap().connect_admin().await;
    let http = reqwest::Client::new();
    Platform { identity, records, consent, identity_db, identity_admin, records_admin, http, smtp }
}

/// A consent service that accepts the tokens of the identity at `issuer` and asks it who
/// callers are.
async fn consent_for(issuer: &str) -> TestApp {
    let issuer = issuer.to_owned();
    spawn_app_with::<Consent>(move |figment| {
        figment
            .merge(("consent.auth.issuer", issuer.clone()))
            .merge(("consent.auth.audience", "telehealth-api"))
            .merge(("consent.identity_url", issuer))
    })
    .await
}

/// A records service that verifies tokens of the identity at `issuer` and asks the one at
/// `identity_url` about care teams (a dead address, to see records fail closed).
pub async fn records_for(identity_url: &str, issuer: &str) -> TestApp {
    records_on(identity_url, issuer, None).await
}

/// A records instance without consent; with `database`, on that (another instance's)
/// database instead of a fresh one.
pub async fn records_on(identity_url: &str, issuer: &str, database: Option<&TestApp>) -> TestApp {
    records_at(Urls { identity: identity_url, issuer, consent: DEAD }, database).await
}

/// Where a records instance finds the other services.
pub struct Urls<'a> {
    pub identity: &'a str,
    pub issuer: &'a str,
    pub consent: &'a str,
}

/// A records instance at `urls`; with `database`, on that (another instance's) database.
pub async fn records_at(urls: Urls<'_>, database: Option<&TestApp>) -> TestApp {
    let (identity_url, issuer, consent_url) =
        (urls.identity.to_owned(), urls.issuer.to_owned(), urls.consent.to_owned());
    let database = database.and_then(|app| app.db.as_ref()).map(|db| db.url_as(tp_ids::Service::Records));
    spawn_app_with::<Records>(move |figment| {
        let figment = figment
            .merge(("records.identity_url", identity_url))
            .merge(("records.consent_url", consent_url))
            .merge(("records.auth.issuer", issuer))
            .merge(("records.auth.audience", "telehealth-api"));
        match database {
            Some(url) => figment.merge(("database.url", secrecy::ExposeSecret::expose_secret(&url).to_owned())),
            None => figment,
        }
    })
    .await
}

/// A keyring logged in with records' own AppRole: opens (and seals) what records does, so a
/// test can read a sealed value the way the service would, or write one in an old format.
pub async fn keyring() -> tp_crypto::Keyring {
    let vault = tp_testkit::vault::service_vault(Service::Records).await;
    tp_crypto::Keyring::new(vault, &tp_config::CryptoSettings::default()).unwrap()
}

pub async fn exec(db: &DatabaseConnection, sql: &str, values: Vec<SqlValue>) {
    db.execute_raw(Statement::from_sql_and_values(DbBackend::Postgres, sql, values)).await.unwrap();
}

pub async fn query(db: &DatabaseConnection, sql: &str, values: Vec<SqlValue>) -> Vec<QueryResult> {
    db.query_all_raw(Statement::from_sql_and_values(DbBackend::Postgres, sql, values)).await.unwrap()
}

/// Demographics with distinctive values, so raw bytes can be searched for them.
pub fn demographics(legal_name: &str) -> Demographics {
    Demographics {
        legal_name: legal_name.to_owned(),
        preferred_name: Some("Zed".to_owned()),
        date_of_birth: chrono::NaiveDate::from_ymd_opt(1984, 2, 29),
        phone: Some("+1 555 867 5309".to_owned()),
        email: Some("zed.quixote@example.test".to_owned()),
        address: Some("42 Wallaby Way\nSydney".to_owned()),
        emergency_contact: Some(EmergencyContact {
            name: "Quentin Kinsman".to_owned(),
            phone: "555 0199".to_owned(),
            relationship: Some("brother".to_owned()),
        }),
    }
}

/// One audit event as the tests compare it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub action: String,
    pub outcome: String,
    pub actor: Option<String>,
    pub subject: Option<String>,
}

impl Platform {
    /// A practice as identity creates one: its row and its Vault transit key.
    pub async fn tenant(&self) -> TenantId {
        let tenant = TenantId::generate();
        tp_testkit::vault::create_tenant_key(&tenant).await;
        let slug = format!("t-{}", tenant.as_uuid().simple());
        let sql = "insert into identity.tenants (id, slug, name) values ($1, $2, 'Practice')";
        exec(&self.identity_admin, sql, vec![Uuid::from(tenant).into(), slug.into()]).await;
        tenant
    }

    /// A member of `tenant` with `roles`, signed in, with an access token from the token
    /// endpoint.
    pub async fn person(&self, tenant: TenantId, roles: &[&str]) -> Person {
        let user = UserId::generate();
        let email = email_of(user);
        let sql = "insert into identity.users (id, email, email_verified_at, display_name, status) \
                   values ($1, $2, now(), 'Test Person', 'active')";
        exec(&self.identity_admin, sql, vec![Uuid::from(user).into(), email.into()]).await;
        let names: Vec<String> = roles.iter().map(|r| (*r).to_owned()).collect();
        let sql = "insert into identity.memberships (tenant_id, user_id, roles, status) values ($1, $2, $3, 'active')";
        exec(&self.identity_admin, sql, vec![Uuid::from(tenant).into(), Uuid::from(user).into(), names.into()]).await;
        let session = SessionId::generate();
        let sql = "insert into identity.sessions (id, token_hash, user_id, tenant_id, stage, amr, expires_at) \
                   values ($1, $2, $3, $4, 'authenticated', '{pwd,otp}', now() + interval '12 hours')";
        let hash = Uuid::new_v4().as_bytes().to_vec();
        let values = vec![Uuid::from(session).into(), hash.into(), Uuid::from(user).into(), Uuid::from(tenant).into()];
        exec(&self.identity_admin, sql, values).await;
        let token = self.exchange(user, tenant, session).await;
        Person { user, token }
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
        let values = vec![Uuid::from(tenant).into(), Uuid::from(clinician).into(), Uuid::from(client).into()];
        exec(&self.identity_admin, sql, values).await;
    }

    /// Deletes `client`'s care-team rows behind identity's back: identity now answers "not
    /// assigned" but, not having made the change, writes no new care-team stamp.
    pub async fn drop_care_team_rows(&self, tenant: TenantId, client: UserId) {
        let sql = "delete from identity.care_teams where tenant_id = $1 and client_id = $2";
        exec(&self.identity_admin, sql, vec![Uuid::from(tenant).into(), Uuid::from(client).into()]).await;
    }

    /// A call to identity's own API as `who`: status and JSON body (null when empty).
    pub async fn identity_call(
        &self,
        who: &Person,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        self.call_at(&self.identity.address, who, (method, path), body).await
    }

    /// A call to consent's API as `who` (the platform must have one): status and JSON body.
    pub async fn consent_call(
        &self,
        who: &Person,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let consent = self.consent.as_ref().unwrap();
        self.call_at(&consent.address, who, (method, path), body).await
    }

    /// `GET` the chart: status and JSON body.
    pub async fn chart(&self, who: &Person, tenant: TenantId, client: UserId) -> (StatusCode, Value) {
        self.call(who, reqwest::Method::GET, &paths::chart(tenant, client), None).await
    }

    /// `PUT` demographics: status and JSON body.
    pub async fn put(
        &self,
        who: &Person,
        tenant: TenantId,
        client: UserId,
        body: &Demographics,
    ) -> (StatusCode, Value) {
        let body = serde_json::to_value(body).unwrap();
        self.call(who, reqwest::Method::PUT, &paths::demographics(tenant, client), Some(body)).await
    }

    /// `GET` the name search: status and JSON body.
    pub async fn search(&self, who: &Person, tenant: TenantId, name: &str) -> (StatusCode, Value) {
        let url = format!("{}{}", self.records.address, paths::search(tenant));
        let url = reqwest::Url::parse_with_params(&url, &[("name", name)]).unwrap();
        let response = self.http.get(url).bearer_auth(&who.token).send().await.unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// A call to records' API as `who`: status and JSON body (null when empty).
    pub async fn call(
        &self,
        who: &Person,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        self.call_at(&self.records.address, who, (method, path), body).await
    }

    async fn call_at(
        &self,
        base: &str,
        who: &Person,
        (method, path): (reqwest::Method, &str),
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.http.request(method, format!("{base}{path}")).bearer_auth(&who.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Every audit event of `tenant` in records' database, oldest first (read as superuser).
    pub async fn events(&self, tenant: TenantId) -> Vec<Event> {
        let sql = "select action, outcome, actor_id, subject_id from audit.events \
                   where tenant_id = $1 order by occurred_at, id";
        query(&self.records_admin, sql, vec![Uuid::from(tenant).into()])
            .await
            .iter()
            .map(|row| Event {
                action: row.try_get("", "action").unwrap(),
                outcome: row.try_get("", "outcome").unwrap(),
                actor: row.try_get("", "actor_id").unwrap(),
                subject: row.try_get("", "subject_id").unwrap(),
            })
            .collect()
    }
}

impl Platform {
    /// The `details` of every event of `tenant` with `action` and `outcome`, oldest first.
    pub async fn details(&self, tenant: TenantId, action: &str, outcome: &str) -> Vec<Value> {
        let sql = "select details from audit.events where tenant_id = $1 and action = $2 and outcome = $3 \
                   order by occurred_at, id";
        query(&self.records_admin, sql, vec![Uuid::from(tenant).into(), action.into(), outcome.into()])
            .await
            .iter()
            .map(|row| row.try_get("", "details").unwrap())
            .collect()
    }
}

impl Event {
    pub fn new(action: &str, outcome: &str, actor: &Person, subject: Option<UserId>) -> Self {
        Self {
            action: action.to_owned(),
            outcome: outcome.to_owned(),
            actor: Some(actor.user.to_string()),
            subject: subject.map(|s| s.to_string()),
        }
    }
}

/// The `error.code` of an error body.
pub fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}
