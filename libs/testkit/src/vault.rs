//! Vault handles for tests: the test profile's OpenBao as root or as a service's AppRole,
//! tenant keys created the way identity creates them, and [`BaoServer`], a throwaway OpenBao
//! dev server a test may stop (the only dependency tests start themselves, because stopping
//! the shared one would break every other test running in parallel).
//!
//! Nothing here configures the shared server: `infra/dev/deps` mounts engines, loads the
//! policies and creates the AppRoles; tests use them as the services will.

use std::os::unix::fs::OpenOptionsExt as _;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret as _, SecretString};
use tokio::process::{Child, Command};
use tp_config::VaultSettings;
use tp_ids::{Service, TenantId};
use tp_vault::Vault;

use crate::TestEnv;

const TIMEOUT: Duration = Duration::from_secs(5);
const START_DEADLINE: Duration = Duration::from_secs(15);

/// The test profile's OpenBao with its root token. Fails with instructions when it is down.
#[expect(clippy::expect_used, reason = "test set-up failures must stop the test with their cause")]
pub async fn root_vault() -> Vault {
    crate::init();
    let env = TestEnv::get();
    let token = SecretString::from(env.vault_root_token().to_owned());
    let vault = Vault::with_token(env.vault_addr(), &token, TIMEOUT).expect("root vault client");
    vault.health().await.expect("test OpenBao is not healthy: run `infra/dev/deps up --profile test`");
    vault
}

/// The Vault settings `service` runs with in the test profile (its AppRole, default mounts).
pub fn vault_settings(service: Service) -> VaultSettings {
    let env = TestEnv::get();
    let (role_id, secret_id) = env.approle(service);
    VaultSettings {
        addr: env.vault_addr().to_owned(),
        role_id: SecretString::from(role_id.to_owned()),
        secret_id: SecretString::from(secret_id.to_owned()),
        approle_mount: "approle".to_owned(),
        transit_mount: "transit".to_owned(),
        kv_mount: "secret".to_owned(),
        timeout_secs: TIMEOUT.as_secs(),
    }
}

/// Logged in with `service`'s AppRole, so its policy applies exactly as in production.
#[expect(clippy::expect_used, reason = "test set-up failures must stop the test with their cause")]
pub async fn service_vault(service: Service) -> Vault {
    crate::init();
    Vault::login_approle(&vault_settings(service)).await.expect("AppRole login")
}

/// Creates `tenant`'s transit key with the root token, as identity does on tenant creation.
#[expect(clippy::expect_used, reason = "test set-up failures must stop the test with their cause")]
pub async fn create_tenant_key(tenant: &TenantId) {
    root_vault().await.create_key(&tp_vault::tenant_key_name(tenant)).await.expect("create tenant key");
}

/// A private in-memory OpenBao dev server with transit mounted at `transit/`, for tests
/// that need Vault to go away. Killed when dropped or [`BaoServer::stop`]ped.
///
/// Its root token reaches bao through the environment (`BAO_DEV_ROOT_TOKEN_ID`), not the
/// command line, which any local user can read with `ps`. The dev server prints that token
/// to its output, so the log file is created owner-only (0600) and deleted with the server.
pub struct BaoServer {
    child: Child,
    addr: String,
    root_token: SecretString,
    log: PathBuf,
}

impl BaoServer {
    /// Starts the server on a free loopback port and waits until it is healthy.
    #[expect(clippy::expect_used, reason = "test set-up failures must stop the test with their cause")]
    pub async fn start() -> BaoServer {
        crate::init();
        // A port picked by binding :0 can be taken before bao binds it; try a few.
        for _ in 0..3 {
            if let Some(server) = Self::try_start().await {
                let vault = server.vault();
                vault.enable_secrets_engine("transit", "transit").await.expect("mount transit on the throwaway server");
                return server;
            }
        }
        panic!("throwaway OpenBao did not become healthy (its log tails are above)");
    }

    #[expect(clippy::expect_used, reason = "test set-up failures must stop the test with their cause")]
    async fn try_start() -> Option<BaoServer> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("pick a free port")
            .port();
        let root_token = SecretString::from(uuid::Uuid::new_v4().simple().to_string());
        let log = std::env::temp_dir().join(format!("tp-bao-{port}-{}.log", uuid::Uuid::new_v4().simple()));
        let out = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&log)
            .expect("create bao log file");
        let err = out.try_clone().expect("clone bao log handle");
        let child = Command::new(TestEnv::get().bao_bin())
            .arg("server")
            .arg("-dev")
            .env("BAO_DEV_ROOT_TOKEN_ID", root_token.expose_secret())
            .arg(format!("-dev-listen-address=127.0.0.1:{port}"))
            .arg("-dev-no-store-token")
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .kill_on_drop(true)
            .spawn()
            .expect("spawn TP_BAO_BIN");
        let mut server = BaoServer { child, addr: format!("http://127.0.0.1:{port}"), root_token, log };
        let vault = server.vault();
        let started = Instant::now();
        while started.elapsed() < START_DEADLINE {
            if vault.health().await.is_ok() {
                return Some(server);
            }
            if server.child.try_wait().ok().flatten().is_some() {
                server.print_log_tail("exited early");
                return None;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        server.print_log_tail(&format!("not healthy after {START_DEADLINE:?}"));
        None
    }

    /// The end of the log of a failed start (the file goes with the server), root token
    /// masked: it is dead, but test output gets copied around.
    fn print_log_tail(&self, what: &str) {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let log = log.replace(self.root_token.expose_secret(), "[root token]");
        let tail: Vec<&str> = log.lines().rev().take(20).collect();
        eprintln!("throwaway OpenBao {what}; last log lines:");
        for line in tail.iter().rev() {
            eprintln!("  {line}");
        }
    }

    pub fn addr(&self) -> &str {
        &self.addr
    }

    pub fn root_token(&self) -> &SecretString {
        &self.root_token
    }

    /// A root handle on this server.
    #[expect(clippy::expect_used, reason = "the address is ours and valid")]
    pub fn vault(&self) -> Vault {
        Vault::with_token(&self.addr, &self.root_token, TIMEOUT).expect("throwaway vault client")
    }

    /// Kills the server and waits for it to exit, so its port refuses connections afterwards.
    /// (Dropping only starts the kill.) The log file goes in `Drop`.
    #[expect(clippy::expect_used, reason = "a server that cannot be stopped invalidates the test")]
    pub async fn stop(mut self) {
        self.child.kill().await.expect("kill throwaway OpenBao");
    }
}

impl Drop for BaoServer {
    fn drop(&mut self) {
        // `kill_on_drop` ends the process; a failed start or a panicking test ends here too.
        let _ = std::fs::remove_file(&self.log);
    }
}
