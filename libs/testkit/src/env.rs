//! The test profile's connection details, read once per process from the env file that
//! `infra/dev/deps up --profile test` writes (`TP_ENV_FILE`, else `<repo>/.dev/test/env`).
//!
//! Tests never start dependencies themselves (except a throwaway OpenBao for the
//! Vault-down tests): `just test` brings the profile up first. A missing file fails with
//! the command to run, not with a connection error deep inside a test.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use tp_ids::Service;

/// Values of the env file, keyed as in `docs/dev-environment.md` (e.g. `TP_REDIS_URL`).
pub struct TestEnv {
    vars: HashMap<String, String>,
}

/// Keys only: the values are passwords, tokens and AppRole secrets.
impl std::fmt::Debug for TestEnv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut keys: Vec<_> = self.vars.keys().collect();
        keys.sort();
        f.debug_struct("TestEnv").field("keys", &keys).finish()
    }
}

impl TestEnv {
    /// The process-wide test environment. Panics with instructions when the profile is not up:
    /// a test cannot do anything useful without it.
    pub fn get() -> &'static TestEnv {
        static ENV: OnceLock<TestEnv> = OnceLock::new();
        ENV.get_or_init(|| {
            let path = env_file_path();
            let vars = dotenvy::from_path_iter(&path)
                .and_then(|iter| iter.collect::<Result<HashMap<_, _>, _>>())
                .unwrap_or_else(|e| {
                    panic!(
                        "cannot read {}: {e}; start the test dependencies with \
                         `infra/dev/deps up --profile test` (or run `just test`)",
                        path.display()
                    )
                });
            TestEnv { vars }
        })
    }

    /// One value. Panics naming the key when the env file lacks it.
    pub fn var(&self, key: &str) -> &str {
        self.vars
            .get(key)
            .map(String::as_str)
            .unwrap_or_else(|| panic!("{key} missing from the test env file; rerun `infra/dev/deps up --profile test`"))
    }

    pub fn admin_url(&self) -> &str {
        self.var("TP_DATABASE_ADMIN_URL")
    }

    pub fn migrator_url(&self) -> &str {
        self.var("TP_DATABASE_MIGRATOR_URL")
    }

    /// URL of `service`'s own database role, pointed at the shared dev database.
    pub fn service_url(&self, service: Service) -> &str {
        self.var(&format!("TP_DATABASE_URL_{}", service.name().to_uppercase()))
    }

    pub fn redis_url(&self) -> &str {
        self.var("TP_REDIS_URL")
    }

    pub fn vault_addr(&self) -> &str {
        self.var("TP_VAULT_ADDR")
    }

    pub fn vault_root_token(&self) -> &str {
        self.var("TP_VAULT_ROOT_TOKEN")
    }

    pub fn bao_bin(&self) -> &str {
        self.var("TP_BAO_BIN")
    }

    /// AppRole `(role_id, secret_id)` of `service`.
    pub fn approle(&self, service: Service) -> (&str, &str) {
        let svc = service.name().to_uppercase();
        (self.var(&format!("TP_VAULT_ROLE_ID_{svc}")), self.var(&format!("TP_VAULT_SECRET_ID_{svc}")))
    }
}

fn env_file_path() -> PathBuf {
    if let Ok(path) = std::env::var("TP_ENV_FILE") {
        return PathBuf::from(path);
    }
    // libs/testkit -> repository root
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.dev/test/env")
}
