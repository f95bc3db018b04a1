//! Spawn a real service, as production builds it, on port 0 against a fresh database.
//!
//! The service logs in to Vault with its own AppRole and connects to PostgreSQL as its own
//! role: exactly the privileges it has in production, so a test cannot pass on privileges
//! the service would not have.

use figment::Figment;
use sea_orm_migration::MigratorTrait;
use secrecy::ExposeSecret;
use tp_config::Settings;
use tp_server::ServiceApp;

use crate::TestEnv;
use crate::db::TestDb;

/// A running service and the database it uses (absent for the gateway).
pub struct TestApp {
    pub address: String,
    pub db: Option<TestDb>,
    pub client: reqwest::Client,
    server: tokio::task::JoinHandle<()>,
}

impl TestApp {
    /// GET `path` on the service.
    #[expect(clippy::expect_used, reason = "a request that cannot be sent is a broken test")]
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(format!("{}{path}", self.address)).send().await.expect("send request")
    }
}

impl TestApp {
    /// Asserts `/healthz` and `/readyz` answer 200 and that readiness checked exactly the
    /// dependencies named, all of them healthy.
    pub async fn assert_ready(&self, dependencies: &[&str]) {
        assert_eq!(self.get("/healthz").await.status(), 200, "healthz");
        let resp = self.get("/readyz").await;
        let status = resp.status();
        let body: serde_json::Value = resp.json().await.unwrap_or_default();
        assert_eq!(status, 200, "readyz: {body}");
        let checks = body.get("checks").and_then(|c| c.as_array()).cloned().unwrap_or_default();
        let names: Vec<_> = checks.iter().filter_map(|c| c.get("name")?.as_str()).collect();
        assert_eq!(names, dependencies, "readyz checked other dependencies: {body}");
        let all_ok = checks.iter().all(|c| c.get("ok").and_then(serde_json::Value::as_bool) == Some(true));
        assert!(all_ok, "readyz: {body}");
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Settings for running `A` in tests: port 0, its own database role and Vault AppRole.
pub fn settings<A: ServiceApp>(db: Option<&TestDb>) -> Settings {
    settings_with::<A>(db, |figment| figment)
}

/// [`settings`] with extra values merged on top (a service's own section, say).
#[expect(clippy::expect_used, reason = "invalid test settings are a broken test")]
pub fn settings_with<A: ServiceApp>(db: Option<&TestDb>, configure: impl FnOnce(Figment) -> Figment) -> Settings {
    let env = TestEnv::get();
    let (role_id, secret_id) = env.approle(A::SERVICE);
    let mut figment = Settings::figment(0)
        .merge(("environment", "test"))
        .merge(("redis.url", env.redis_url()))
        .merge(("vault.addr", env.vault_addr()))
        .merge(("vault.role_id", role_id))
        .merge(("vault.secret_id", secret_id));
    if let Some(db) = db {
        figment = figment
            .merge(("database.url", db.url_as(A::SERVICE).expose_secret()))
            .merge(("database.migrator_url", db.migrator_url().expose_secret()));
    }
    Settings::from_figment(configure(figment)).expect("test settings")
}

/// Builds and serves `A` in the background; its database (if it has a schema) is fresh.
pub async fn spawn_app<A: ServiceApp>() -> TestApp {
    spawn_app_with::<A>(|figment| figment).await
}

/// [`spawn_app`] with extra settings merged on top.
#[expect(clippy::expect_used, reason = "a service that cannot start is a broken test")]
pub async fn spawn_app_with<A: ServiceApp>(configure: impl FnOnce(Figment) -> Figment) -> TestApp {
    crate::init();
    let db = if A::Migrator::migrations().is_empty() { None } else { Some(TestDb::fresh::<A::Migrator>().await) };
    let settings = settings_with::<A>(db.as_ref(), configure);
    let server = tp_server::build::<A>(&settings).await.expect("build service");
    let address = format!("http://127.0.0.1:{}", server.port());
    let server = tokio::spawn(async move {
        let _ = server.run_until_stopped().await;
    });
    TestApp { address, db, client: reqwest::Client::new(), server }
}
