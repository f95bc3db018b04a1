//! The platform as consent's tests see it: a real identity (own database, issues the tokens
//! through a code exchange) and a real consent in front of the shared PostgreSQL, Redis and
//! OpenBao; practices with their Vault key, people with real access tokens, and typed calls
//! of consent's API.

use std::time::Duration;

use chrono::Utc;
use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, QueryResult, Statement, Value as SqlValue};
use serde_json::{Value, json};
use tp_consent::Consent;
use tp_consent_api::paths;
use tp_identity::Identity;
use tp_identity::domain::pkce::{CodeChallenge, CodeVerifier};
use tp_identity::domain::scope::ScopeSet;
use tp_identity::oauth::{NewCode, issue_code};
use tp_ids::{ClientId, Service, SessionId, TenantId, UserId};
use tp_testkit::app::{TestApp, spawn_app_with};
use tp_testkit::smtp::SmtpSink;
use uuid::Uuid;

const PORTAL: &str = "portal";
const PORTAL_REDIRECT: &str = "http://127.0.0.1:9/callback";
const VERIFIER: &str = "a-verifier-of-43-or-more-unreserved-chars.~_0123";

pub struct Platform {
    pub identity: TestApp,
    pub consent: TestApp,
    /// identity's own role on its database: issuing codes as identity does.
    identity_db: DatabaseConnection,
    /// Superuser of identity's test database: arranging practices and people.
    identity_admin: DatabaseConnection,
    /// Superuser of consent's test database: reading raw rows, tampering, breaking the log.
    pub consent_admin: DatabaseConnection,
    /// consent's own role on its database: what the service itself may do.
    pub consent_role: DatabaseConnection,
    pub http: reqwest::Client,
    /// Where identity sends email (records links to outside providers); `None` once a test
    /// stopped it to see a send fail.
    pub smtp: Option<SmtpSink>,
}

/// The gateway's public base URL identity builds records links on.
pub const SHARED_RECORDS_URL: &str = "https://gateway.example.test";

/// A member of a practice with a live session and a real access token.
#[derive(Clone, Debug)]
pub struct Person {
    pub user: UserId,
    pub token: String,
}

pub async fn spawn() -> Platform {
    let smtp = SmtpSink::start().await;
    let smtp_port = smtp.port();
    let identity = spawn_app_with::<Identity>(|figment| {
        figment
            .merge((
                "identity.first_party_clients",
                json!([{ "id": PORTAL, "name": "Portal", "redirect_uris": [PORTAL_REDIRECT] }]),
            ))
            .merge(("identity.smtp.port", smtp_port))
            .merge(("identity.shared_records_url", SHARED_RECORDS_URL))
    })
    .await;
    let consent = consent_for(&identity.address).await;
    let identity_test_db = identity.db.as_ref().unwrap();
    let identity_db = identity_test_db.connect_as(Service::Identity).await;
    let identity_admin = identity_test_db.connect_admin().await;
    let consent_db = consent.db.as_ref().unwrap();
    let (consent_admin, consent_role) =
        (consent_db.connect_admin().await, consent_db.connect_as(Service::Consent).await);
    Platform {
        identity,
        consent,
        identity_db,
        identity_admin,
        consent_admin,
        consent_role,
        http: reqwest::Client::new(),
        smtp: Some(smtp),
    }
}

/// A consent service that accepts the tokens of the identity at `issuer` and asks it who
/// callers are.
pub async fn consent_for(issuer: &str) -> TestApp {
    let issuer = issuer.to_owned();
    spawn_app_with::<Consent>(move |figment| {
        figment
            .merge(("consent.auth.issuer", issuer.clone()))
            .merge(("consent.auth.audience", "telehealth-api"))
            .merge(("consent.identity_url", issuer))
    })
    .await
}

pub async fn exec(db: &DatabaseConnection, sql: &str, values: Vec<SqlValue>) -> Result<u64, DbErr> {
    db.execute_raw(Statement::from_sql_and_values(DbBackend::Postgres, sql, values)).await.map(|r| r.rows_affected())
}

pub async fn query(db: &DatabaseConnection, sql: &str, values: Vec<SqlValue>) -> Vec<QueryResult> {
    db.query_all_raw(Statement::from_sql_and_values(DbBackend::Postgres, sql, values)).await.unwrap()
}

/// One audit event as the tests compare it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub action: String,
    pub outcome: String,
    pub actor: Option<String>,
    pub subject: Option<String>,
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

/// A practice's cast: its admin, a clinician, staff and two clients.
pub struct Practice {
    pub tenant: TenantId,
    pub admin: Person,
    pub clinician: Person,
    pub staff: Person,
    pub client: Person,
    pub other_client: Person,
}

impl Platform {
    /// A practice as identity creates one: its row and its Vault transit key.
    pub async fn tenant(&self) -> TenantId {
        let tenant = TenantId::generate();
        tp_testkit::vault::create_tenant_key(&tenant).await;
        let slug = format!("t-{}", tenant.as_uuid().simple());
        let sql = "insert into identity.tenants (id, slug, name) values ($1, $2, 'Practice')";
        exec(&self.identity_admin, sql, vec![Uuid::from(tenant).into(), slug.into()]).await.unwrap();
        tenant
    }

    /// A practice with one person in each role.
    pub async fn practice(&self) -> Practice {
        let tenant = self.tenant().await;
        Practice {
            tenant,
            admin: self.person(tenant, &["practice_admin"]).await,
            clinician: self.person(tenant, &["clinician"]).await,
            staff: self.person(tenant, &["staff"]).await,
            client: self.person(tenant, &["client"]).await,
            other_client: self.person(tenant, &["client"]).await,
        }
    }

    /// A member of `tenant` with `roles`, signed in, with an access token from the token
    /// endpoint.
    pub async fn person(&self, tenant: TenantId, roles: &[&str]) -> Person {
        let user = UserId::generate();
        let email = format!("{}@example.test", user.as_uuid().simple());
        let sql = "insert into identity.users (id, email, email_verified_at, display_name, status) \
                   values ($1, $2, now(), 'Test Person', 'active')";
        exec(&self.identity_admin, sql, vec![Uuid::from(user).into(), email.into()]).await.unwrap();
        let names: Vec<String> = roles.iter().map(|r| (*r).to_owned()).collect();
        let sql = "insert into identity.memberships (tenant_id, user_id, roles, status) values ($1, $2, $3, 'active')";
        let values = vec![Uuid::from(tenant).into(), Uuid::from(user).into(), names.into()];
        exec(&self.identity_admin, sql, values).await.unwrap();
        let session = SessionId::generate();
        let sql = "insert into identity.sessions (id, token_hash, user_id, tenant_id, stage, amr, expires_at) \
                   values ($1, $2, $3, $4, 'authenticated', '{pwd,otp}', now() + interval '12 hours')";
        let hash = Uuid::new_v4().as_bytes().to_vec();
        let values = vec![Uuid::from(session).into(), hash.into(), Uuid::from(user).into(), Uuid::from(tenant).into()];
        exec(&self.identity_admin, sql, values).await.unwrap();
        Person { user, token: self.exchange(user, tenant, session).await }
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

    /// A call to consent as `who`: status and JSON body (null when empty).
    pub async fn call(&self, who: &Person, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        self.call_with(who, method, path, body, &[]).await
    }

    /// [`Platform::call`] with extra headers (what the gateway forwards).
    pub async fn call_with(
        &self,
        who: &Person,
        method: Method,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        let mut request = self.http.request(method, format!("{}{path}", self.consent.address)).bearer_auth(&who.token);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// `GET` a template by key, as `who`, expecting it to be there.
    pub async fn template(&self, who: &Person, tenant: TenantId, key: &str) -> Value {
        let (status, body) = self.call(who, Method::GET, &paths::template(tenant, key), None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    /// `client` signs the template `key` at its current version, as they were shown it.
    pub async fn sign(&self, client: &Person, tenant: TenantId, key: &str) -> (StatusCode, Value) {
        let template = self.template(client, tenant, key).await;
        let body = json!({
            "template": key,
            "version": template["version"],
            "text_sha256": template["body_sha256"],
            "typed_name": "Casey Client",
        });
        self.call(client, Method::POST, &paths::signatures(tenant, client.user), Some(body)).await
    }

    /// A practice template saved by `admin`, its key.
    pub async fn practice_template(&self, admin: &Person, tenant: TenantId, kind: &str, title: &str) -> String {
        let body = json!({ "kind": kind, "title": title, "body": format!("# {title}\n\nThe practice's own text.\n") });
        let (status, saved) = self.call(admin, Method::POST, &paths::templates(tenant), Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{saved}");
        saved["key"].as_str().unwrap().to_owned()
    }

    /// Every audit event of `tenant` in consent's database, oldest first (read as superuser).
    pub async fn events(&self, tenant: TenantId) -> Vec<Event> {
        let sql = "select action, outcome, actor_id, subject_id from audit.events \
                   where tenant_id = $1 order by occurred_at, id";
        query(&self.consent_admin, sql, vec![Uuid::from(tenant).into()])
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

    /// The `details` of every successful event of `tenant` with `action`, oldest first.
    pub async fn details(&self, tenant: TenantId, action: &str) -> Vec<Value> {
        details_in(&self.consent_admin, tenant, action).await
    }
}

/// The `details` of every successful event of `tenant` with `action` in the database `db`
/// (a superuser connection), oldest first.
pub async fn details_in(db: &DatabaseConnection, tenant: TenantId, action: &str) -> Vec<Value> {
    let sql = "select details from audit.events where tenant_id = $1 and action = $2 and outcome = 'success' \
               order by occurred_at, id";
    query(db, sql, vec![Uuid::from(tenant).into(), action.into()])
        .await
        .iter()
        .map(|row| row.try_get("", "details").unwrap())
        .collect()
}

/// The `error.code` of an error body.
pub fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

/// An outside recipient as JSON.
pub fn outside(email: &str) -> Value {
    json!({ "kind": "outside", "name": "Dr Ada Lovelace", "organisation": "Clinic", "email": email })
}

/// A practice (or one of its clinicians) as a recipient.
pub fn practice_recipient(tenant: TenantId, clinician: Option<UserId>) -> Value {
    match clinician {
        Some(user) => json!({ "kind": "clinician", "tenant_id": tenant, "user_id": user }),
        None => json!({ "kind": "practice", "tenant_id": tenant }),
    }
}

impl Platform {
    /// `client` signs `key` and the signature's id.
    pub async fn signed(&self, client: &Person, tenant: TenantId, key: &str) -> Uuid {
        let (status, signed) = self.sign(client, tenant, key).await;
        assert_eq!(status, StatusCode::CREATED, "{signed}");
        signed["id"].as_str().unwrap().parse().unwrap()
    }

    /// `client` authorizes `categories` to go to `recipient` under `signature`, for a year.
    pub async fn authorize(
        &self,
        client: &Person,
        tenant: TenantId,
        signature: Uuid,
        (recipient, categories): (Value, Value),
    ) -> (StatusCode, Value) {
        let body = json!({
            "signature_id": signature,
            "recipient": recipient,
            "categories": categories,
            "purpose": "Continuity of care",
            "expires_at": Utc::now() + chrono::Duration::days(365),
            "expires_on": null,
        });
        self.call(client, Method::POST, &paths::authorizations(tenant, client.user), Some(body)).await
    }

    /// [`Platform::authorize`] expecting success: the authorization's id.
    pub async fn authorized(&self, client: &Person, tenant: TenantId, signature: Uuid, grant: (Value, Value)) -> Uuid {
        let (status, body) = self.authorize(client, tenant, signature, grant).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["id"].as_str().unwrap().parse().unwrap()
    }

    /// The decision `who` gets about `client` of `tenant`.
    pub async fn decide(
        &self,
        who: &Person,
        (tenant, client): (TenantId, UserId),
        recipient: Value,
        categories: Value,
    ) -> (StatusCode, Value) {
        let body = json!({ "recipient": recipient, "categories": categories });
        self.call(who, Method::POST, &paths::decisions(tenant, client), Some(body)).await
    }
}

/// The email identity knows `person` by (see [`Platform::person`]).
pub fn email_of(person: &Person) -> String {
    format!("{}@example.test", person.user.as_uuid().simple())
}
