//! The audit service as its tests see it: the real service on port 0 against a fresh
//! database (sealer task off, so each test drives [`Sealer::pass`] itself and knows exactly
//! what is sealed), a stand-in for identity's JWKS (the real signing key in the test
//! OpenBao, published as identity publishes it), tokens for practice admins and operators,
//! a service role that writes events, and the superuser that tampers.

use p256::elliptic_curve::sec1::ToEncodedPoint as _;
use p256::pkcs8::DecodePublicKey as _;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, TransactionTrait, Value as SqlValue};
use serde_json::{Value, json};
use tp_audit::Audit;
use tp_audit::sealer::Sealer;
use tp_audit::state::AppState;
use tp_audit_log::{Action, Actor, AuditEvent, Outcome, Subject};
use tp_auth::jwks::{Jwk, JwkSet};
use tp_db::TenantTx;
use tp_ids::{Service, TenantId, UserId};
use tp_testkit::db::TestDb;
use tp_testkit::tokens::{self, SIGNING_KEY};
use tp_testkit::vault::root_vault;
use uuid::Uuid;

pub struct TestAudit {
    pub address: String,
    pub issuer: String,
    pub http: reqwest::Client,
    pub sealer: Sealer,
    /// identity's role: writes events the way every service does.
    pub writer: DatabaseConnection,
    /// The audit service's own role, for checks of its grants.
    pub audit_role: DatabaseConnection,
    /// Superuser: the attacker.
    pub admin: DatabaseConnection,
    /// Kept for its name in failure output.
    _db: TestDb,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for TestAudit {
    fn drop(&mut self) {
        self.tasks.iter().for_each(tokio::task::JoinHandle::abort);
    }
}

pub async fn spawn() -> TestAudit {
    tp_testkit::init();
    let (issuer, jwks_task) = serve_jwks().await;
    let db = TestDb::fresh::<tp_audit::migration::Migrator>().await;
    let issuer_setting = issuer.clone();
    let settings = tp_testkit::app::settings_with::<Audit>(Some(&db), move |figment| {
        figment
            .merge(("audit.auth.issuer", issuer_setting))
            .merge(("audit.auth.audience", "telehealth-api"))
            .merge(("audit.seal_interval_secs", 0))
    });
    let server = tp_server::build::<Audit>(&settings).await.unwrap();
    let address = format!("http://127.0.0.1:{}", server.port());
    let server_task = tokio::spawn(async move {
        let _ = server.run_until_stopped().await;
    });
    let deps = tp_server::Deps::connect(&settings).await.unwrap();
    let state: AppState = Audit::state(deps, &settings).await.unwrap();
    TestAudit {
        address,
        issuer,
        http: reqwest::Client::new(),
        sealer: Sealer::new(state),
        writer: db.connect_as(Service::Identity).await,
        audit_role: db.connect_as(Service::Audit).await,
        admin: db.connect_admin().await,
        _db: db,
        tasks: vec![jwks_task, server_task],
    }
}

/// identity's JWKS endpoint, served from the signing key's public versions in Vault.
async fn serve_jwks() -> (String, tokio::task::JoinHandle<()>) {
    let vault = root_vault().await;
    vault.create_signing_key(SIGNING_KEY, tp_vault::SigningKeyType::EcdsaP256).await.unwrap();
    let keys = vault
        .read_public_keys(SIGNING_KEY)
        .await
        .unwrap()
        .iter()
        .map(|v| {
            let point = p256::PublicKey::from_public_key_pem(&v.public_key_pem).unwrap().to_encoded_point(false);
            Jwk::es256(format!("{SIGNING_KEY}-v{}", v.version), point.x().unwrap(), point.y().unwrap())
        })
        .collect();
    let set = JwkSet { keys };
    let router = axum::Router::new().route("/oauth2/jwks", axum::routing::get(move || async move { axum::Json(set) }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (issuer, task)
}

/// Which table to tamper with, and the trigger that keeps it append-only.
pub enum Table {
    Events,
    Seals,
    Checkpoints,
}

impl Table {
    fn sql(&self) -> (&'static str, &'static str) {
        match self {
            Table::Events => ("audit.events", "events_append_only"),
            Table::Seals => ("audit.seals", "seals_append_only"),
            Table::Checkpoints => ("audit.checkpoints", "checkpoints_append_only"),
        }
    }
}

impl TestAudit {
    /// Writes `n` events of `tenant` (or platform events) as a service does; returns their ids
    /// in the order the sealer takes them.
    pub async fn write_events(&self, tenant: Option<TenantId>, n: usize) -> Vec<Uuid> {
        for _ in 0..n {
            let event = AuditEvent::new(Action::new("identity.sign_in.failed"), Outcome::Failure, Actor::Anonymous)
                .subject(Subject::new("account", UserId::generate()))
                .detail("reason", "bad_password");
            match tenant {
                Some(tenant) => {
                    let tx = TenantTx::begin(&self.writer, tenant).await.unwrap();
                    tp_audit_log::record(&*tx, &event.tenant(tenant)).await.unwrap();
                    tx.commit().await.unwrap();
                }
                None => tp_audit_log::record(&self.writer, &event).await.unwrap(),
            }
        }
        let rows = self
            .query(
                "select id from audit.events where tenant_id is not distinct from $1 order by occurred_at, id",
                vec![tenant.map(Uuid::from).into()],
            )
            .await;
        rows.iter().map(|row| row.try_get::<Uuid>("", "id").unwrap()).collect()
    }

    pub async fn seal(&mut self) -> u64 {
        self.sealer.pass().await.unwrap()
    }

    /// Runs `sql` as the superuser with the table's append-only trigger disabled, as an
    /// attacker with database superuser rights would.
    pub async fn tamper(&self, table: Table, sql: &str, values: Vec<SqlValue>) {
        let (name, trigger) = table.sql();
        let tx = self.admin.begin().await.unwrap();
        tx.execute_unprepared(&format!("alter table {name} disable trigger {trigger}")).await.unwrap();
        tx.execute_raw(Statement::from_sql_and_values(DbBackend::Postgres, sql, values)).await.unwrap();
        tx.execute_unprepared(&format!("alter table {name} enable trigger {trigger}")).await.unwrap();
        tx.commit().await.unwrap();
    }

    /// A query as the superuser (no RLS).
    pub async fn query(&self, sql: &str, values: Vec<SqlValue>) -> Vec<sea_orm::QueryResult> {
        self.admin.query_all_raw(Statement::from_sql_and_values(DbBackend::Postgres, sql, values)).await.unwrap()
    }

    pub async fn count(&self, sql: &str, values: Vec<SqlValue>) -> i64 {
        self.query(sql, values).await.first().unwrap().try_get("", "count").unwrap()
    }

    /// A practice member's token.
    pub async fn member_token(&self, tenant: TenantId, role: &str) -> String {
        let claims = tokens::person_claims(
            &self.issuer,
            &UserId::generate().to_string(),
            &tenant.to_string(),
            &[role],
            &Uuid::now_v7().to_string(),
        );
        tokens::sign(SIGNING_KEY, &claims).await
    }

    /// A platform operator's client-credentials token, as telehealthctl gets one.
    pub async fn operator_token(&self) -> String {
        let now = tokens::unix_now();
        let claims = json!({
            "iss": self.issuer, "sub": "operator", "aud": "telehealth-api", "exp": now + 300, "iat": now,
            "jti": Uuid::now_v7().to_string(), "sid": Uuid::now_v7().to_string(),
            "roles": ["platform_operator"], "scope": "", "client_id": "operator",
        });
        tokens::sign(SIGNING_KEY, &claims).await
    }

    /// `POST` the verify endpoint of `tenant` (`None`: the platform chain).
    pub async fn verify(&self, tenant: Option<TenantId>, token: Option<&str>) -> (u16, Value) {
        let path = tenant.map_or_else(|| "/v1/audit/verify".to_owned(), |t| format!("/v1/tenants/{t}/audit/verify"));
        let mut request = self.http.post(format!("{}{path}", self.address));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Verifies `tenant`'s chain as its own practice admin and expects an answer.
    pub async fn verify_as_admin(&self, tenant: TenantId) -> Value {
        let token = self.member_token(tenant, "practice_admin").await;
        let (status, body) = self.verify(Some(tenant), Some(&token)).await;
        assert_eq!(status, 200, "{body}");
        body
    }
}

impl TestAudit {
    /// The event as the sealer hashes it, read as the superuser.
    pub async fn sealed_event(&self, id: Uuid) -> tp_audit::domain::chain::SealedEvent {
        let sql = "select id, tenant_id, (extract(epoch from occurred_at) * 1000000)::bigint as micros, service, \
                   action, outcome, actor_kind, actor_id, subject_kind, subject_id, request_id, details::text as details \
                   from audit.events where id = $1";
        let rows = self.query(sql, vec![id.into()]).await;
        let row = rows.first().unwrap();
        let text = |column: &str| row.try_get::<Option<String>>("", column).unwrap();
        tp_audit::domain::chain::SealedEvent {
            id,
            tenant_id: row.try_get("", "tenant_id").unwrap(),
            occurred_at_micros: row.try_get("", "micros").unwrap(),
            service: text("service").unwrap(),
            action: text("action").unwrap(),
            outcome: text("outcome").unwrap(),
            actor_kind: text("actor_kind").unwrap(),
            actor_id: text("actor_id"),
            subject_kind: text("subject_kind"),
            subject_id: text("subject_id"),
            request_id: text("request_id"),
            details: text("details").unwrap(),
        }
    }
}

/// `(kind, seq, event_id)` of each reported problem.
pub fn problems(report: &Value) -> Vec<(String, Option<i64>, Option<String>)> {
    report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["kind"].as_str().unwrap().to_owned(), p["seq"].as_i64(), p["event_id"].as_str().map(str::to_owned)))
        .collect()
}

/// Asserts `report` says intact with `sealed` links.
pub fn assert_intact(report: &Value, sealed: i64) {
    assert_eq!(report["intact"], true, "{report}");
    assert_eq!(report["sealed"], sealed, "{report}");
}

/// One seeded event: written as the superuser with its time given, so a test controls the
/// listing's order exactly (ties included).
pub struct Seed<'a> {
    pub tenant: TenantId,
    pub action: &'a str,
    pub actor: Option<UserId>,
    pub subject: Option<(&'a str, String)>,
    /// Seconds before now.
    pub ago_secs: i64,
}

impl TestAudit {
    /// Inserts `seed` and returns its id.
    pub async fn seed(&self, seed: Seed<'_>) -> Uuid {
        let id = Uuid::now_v7();
        let service = seed.action.split('.').next().unwrap().to_owned();
        let (actor_kind, actor_id) = match seed.actor {
            Some(user) => ("user", Some(user.to_string())),
            None => ("anonymous", None),
        };
        let (subject_kind, subject_id) = match seed.subject {
            Some((kind, id)) => (Some(kind.to_owned()), Some(id)),
            None => (None, None),
        };
        let sql = "insert into audit.events (id, tenant_id, occurred_at, service, action, outcome, actor_kind, \
                   actor_id, subject_kind, subject_id) \
                   values ($1, $2, date_trunc('second', now()) - make_interval(secs => $3), $4, $5, 'success', $6, $7, $8, $9)";
        let values: Vec<SqlValue> = vec![
            id.into(),
            Uuid::from(seed.tenant).into(),
            (seed.ago_secs as f64).into(),
            service.into(),
            seed.action.to_owned().into(),
            actor_kind.into(),
            actor_id.into(),
            subject_kind.into(),
            subject_id.into(),
        ];
        self.admin.execute_raw(Statement::from_sql_and_values(DbBackend::Postgres, sql, values)).await.unwrap();
        id
    }

    /// A person's token for `user` with `role` in `tenant`.
    pub async fn person_token(&self, tenant: TenantId, user: UserId, role: &str) -> String {
        let claims = tokens::person_claims(
            &self.issuer,
            &user.to_string(),
            &tenant.to_string(),
            &[role],
            &Uuid::now_v7().to_string(),
        );
        tokens::sign(SIGNING_KEY, &claims).await
    }

    /// `GET path?query` with `token`: the status and the JSON body.
    pub async fn get(&self, path: &str, query: &[(&str, &str)], token: Option<&str>) -> (u16, Value) {
        let query: Vec<String> = query.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect();
        let mut request = self.http.get(format!("{}{path}?{}", self.address, query.join("&")));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

/// The event ids of an `EventPage` body, in order.
pub fn event_ids(page: &Value) -> Vec<Uuid> {
    page["events"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().parse().unwrap()).collect()
}

/// Percent-encodes a query value (everything but unreserved characters).
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
