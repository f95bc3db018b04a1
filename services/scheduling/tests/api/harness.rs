//! The platform as scheduling's tests see it: consent's harness (a real identity and consent,
//! practices, people with real access tokens) plus a real scheduling that trusts that identity
//! and asks that consent, and typed calls of scheduling's API.

use chrono::{DateTime, Duration, DurationRound, Utc};
use reqwest::{Method, StatusCode};
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};
use tp_consent_api::paths as consent_paths;
use tp_ids::{Service, TenantId};
use tp_scheduling::Scheduling;
use tp_scheduling_api::paths;
use tp_testkit::app::{TestApp, spawn_app_with};
use uuid::Uuid;

pub use crate::consent_harness::{Person, Practice, code, details_in, query};

pub struct Platform {
    pub inner: crate::consent_harness::Platform,
    pub scheduling: TestApp,
    /// Superuser of scheduling's test database: raw rows and audit events.
    pub admin: DatabaseConnection,
    /// scheduling's own role on its database.
    pub role: DatabaseConnection,
}

pub async fn spawn() -> Platform {
    let inner = crate::consent_harness::spawn().await;
    let scheduling = scheduling_for(&inner.identity.address, &inner.consent.address).await;
    let db = scheduling.db.as_ref().unwrap();
    let (admin, role) = (db.connect_admin().await, db.connect_as(Service::Scheduling).await);
    Platform { inner, scheduling, admin, role }
}

/// A scheduling service trusting the identity at `issuer` and asking the consent at `consent`.
pub async fn scheduling_for(issuer: &str, consent: &str) -> TestApp {
    let (issuer, consent) = (issuer.to_owned(), consent.to_owned());
    spawn_app_with::<Scheduling>(move |figment| {
        figment
            .merge(("scheduling.auth.issuer", issuer.clone()))
            .merge(("scheduling.auth.audience", "telehealth-api"))
            .merge(("scheduling.identity_url", issuer))
            .merge(("scheduling.consent_url", consent))
    })
    .await
}

/// A second scheduling on `app`'s database whose consent is unreachable; stopped on drop.
pub struct Blind {
    pub address: String,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Blind {
    fn drop(&mut self) {
        self.server.abort();
    }
}

pub async fn without_consent(app: &TestApp, issuer: &str) -> Blind {
    let settings = tp_testkit::app::settings_with::<Scheduling>(app.db.as_ref(), |figment| {
        figment
            .merge(("scheduling.auth.issuer", issuer))
            .merge(("scheduling.auth.audience", "telehealth-api"))
            .merge(("scheduling.identity_url", issuer))
            .merge(("scheduling.consent_url", "http://127.0.0.1:9"))
    });
    let server = tp_server::build::<Scheduling>(&settings).await.unwrap();
    let address = format!("http://127.0.0.1:{}", server.port());
    let server = tokio::spawn(async move {
        let _ = server.run_until_stopped().await;
    });
    Blind { address, server }
}

/// A whole hour `hours` from now: slots that never straddle "now".
pub fn hour(hours: i64) -> DateTime<Utc> {
    Utc::now().duration_trunc(Duration::hours(1)).unwrap() + Duration::hours(hours)
}

/// A booking body.
pub fn slot(
    client: &Person,
    clinician: &Person,
    (starts, ends): (DateTime<Utc>, DateTime<Utc>),
    modality: &str,
) -> Value {
    json!({
        "client_id": client.user,
        "clinician_id": clinician.user,
        "starts_at": starts,
        "ends_at": ends,
        "modality": modality,
    })
}

impl Platform {
    pub async fn practice(&self) -> Practice {
        self.inner.practice().await
    }

    pub async fn person(&self, tenant: TenantId, roles: &[&str]) -> Person {
        self.inner.person(tenant, roles).await
    }

    /// A call to scheduling as `who`: status and JSON body (null when empty).
    pub async fn call(&self, who: &Person, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        self.call_at(&self.scheduling.address, who, (method, path), body).await
    }

    /// A call to the scheduling at `address`.
    pub async fn call_at(
        &self,
        address: &str,
        who: &Person,
        (method, path): (Method, &str),
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.inner.http.request(method, format!("{address}{path}")).bearer_auth(&who.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// `who` books `body` in `tenant`.
    pub async fn book(&self, who: &Person, tenant: TenantId, body: Value) -> (StatusCode, Value) {
        self.call(who, Method::POST, &paths::appointments(tenant), Some(body)).await
    }

    /// [`Platform::book`] expecting 201: the appointment's id.
    pub async fn booked(&self, who: &Person, tenant: TenantId, body: Value) -> Uuid {
        let (status, booked) = self.book(who, tenant, body).await;
        assert_eq!(status, StatusCode::CREATED, "{booked}");
        booked["id"].as_str().unwrap().parse().unwrap()
    }

    /// The practice requires `keys` before a first appointment.
    pub async fn require(&self, practice: &Practice, keys: &[&str]) {
        let body = json!({ "before_first_appointment": keys });
        let (status, set) = self
            .inner
            .call(&practice.admin, Method::PUT, &consent_paths::requirements(practice.tenant), Some(body))
            .await;
        assert_eq!(status, StatusCode::OK, "{set}");
    }

    /// `client` signs the built-in `key`: the signature's id.
    pub async fn sign(&self, client: &Person, tenant: TenantId, key: &str) -> Uuid {
        self.inner.signed(client, tenant, key).await
    }

    /// `client` withdraws the consent they signed as `signature`.
    pub async fn withdraw(&self, client: &Person, tenant: TenantId, signature: Uuid) {
        let path = consent_paths::withdrawal(tenant, client.user, signature);
        let (status, body) = self.inner.call(client, Method::POST, &path, None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    /// `(action, outcome, subject)` of every audit event of `tenant` in scheduling's database.
    pub async fn events(&self, tenant: TenantId) -> Vec<(String, String, Option<String>)> {
        let sql = "select action, outcome, subject_id from audit.events where tenant_id = $1 order by occurred_at, id";
        query(&self.admin, sql, vec![Uuid::from(tenant).into()])
            .await
            .iter()
            .map(|r| {
                (
                    r.try_get("", "action").unwrap(),
                    r.try_get("", "outcome").unwrap(),
                    r.try_get("", "subject_id").unwrap(),
                )
            })
            .collect()
    }

    /// The `details` of `tenant`'s successful events with `action`, oldest first.
    pub async fn details(&self, tenant: TenantId, action: &str) -> Vec<Value> {
        details_in(&self.admin, tenant, action).await
    }
}
