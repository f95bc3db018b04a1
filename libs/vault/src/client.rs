//! [`Vault`]: an authenticated, cheaply cloneable handle on Vault (OpenBao), the one path
//! every operation takes to reach it ([`Vault::call`]), and the readiness probe.
//!
//! Operations live next to their engine ([`crate::transit`], [`crate::kv`]); logging in,
//! renewing and recovering a token live in [`crate::session`]. Failed operations are not
//! retried, with one exception: an AppRole handle whose token Vault no longer accepts logs
//! in again and retries once. Anything else fails fast: a request must fail when Vault is
//! down rather than queue behind it, and callers decide what to retry.

use std::future::Future;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, OnceLock, PoisonError, RwLock};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use tokio::task::AbortHandle;
use tp_config::VaultSettings;
use vaultrs::client::{VaultClient, VaultClientSettingsBuilder};

use crate::error::{Cause, VaultError};
use crate::session::{AppRole, Session};

/// Handle on Vault. Clones share one HTTP connection pool and one token; the background
/// renewal task (AppRole logins only) stops when the last clone is dropped.
#[derive(Clone)]
pub struct Vault {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) addr: String,
    pub(crate) timeout: Duration,
    pub(crate) transit_mount: String,
    pub(crate) kv_mount: String,
    /// The client carrying the current token, with the TTL its login granted: replaced
    /// together on re-login, so a renewal never compares against another token's TTL.
    /// Readers clone out and release the lock at once; it is never held across an await.
    pub(crate) session: RwLock<Session>,
    /// `None` for a fixed token (`with_token`): nothing to renew or log in again with.
    pub(crate) approle: Option<AppRole>,
    /// Serialises renewals and logins, so concurrent callers that find the token rejected
    /// share one login. Holds the error of the latest login if it failed: callers that were
    /// waiting for that login return it instead of each trying again in turn.
    pub(crate) upkeep: tokio::sync::Mutex<Option<VaultError>>,
    /// Logins attempted (under `upkeep`); a waiter compares it with what it saw before
    /// waiting to learn whether a login happened meanwhile.
    pub(crate) logins: AtomicU64,
    /// Set once the renewal task is spawned; aborted when the last handle goes away (the
    /// task itself holds only a `Weak`, so it never keeps the handle alive).
    renewer: OnceLock<AbortHandle>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(task) = self.renewer.get() {
            task.abort();
        }
    }
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The token is deliberately absent.
        f.debug_struct("Vault").field("addr", &self.inner.addr).field("approle", &self.inner.approle.is_some()).finish()
    }
}

impl Vault {
    /// Logs in with the service's AppRole and starts renewing the token in the background
    /// (at about 2/3 of its TTL; a fresh login when renewal fails or the max TTL nears).
    /// Must be called inside a tokio runtime.
    pub async fn login_approle(settings: &VaultSettings) -> Result<Vault, VaultError> {
        let approle = AppRole::new(settings);
        let timeout = Duration::from_secs(settings.timeout_secs);
        let session = approle.login(&settings.addr, timeout).await?;
        let ttl = session.login_ttl;
        let mut inner = Inner::new(settings.addr.clone(), timeout, session, Some(approle));
        inner.transit_mount.clone_from(&settings.transit_mount);
        inner.kv_mount.clone_from(&settings.kv_mount);
        let inner = Arc::new(inner);
        let task = tokio::spawn(crate::renewal::run(Arc::downgrade(&inner), ttl));
        let _ = inner.renewer.set(task.abort_handle());
        Ok(Vault { inner })
    }

    /// A handle using a fixed token (the root token of a dev server, for bootstrap and
    /// tests). Nothing is renewed or logged in again. Mounts are the defaults: `transit`,
    /// `secret`.
    pub fn with_token(addr: &str, token: &SecretString, timeout: Duration) -> Result<Vault, VaultError> {
        let client = build_client(addr, token.expose_secret(), timeout)?;
        let session = Session { client: Arc::new(client), login_ttl: Duration::ZERO };
        Ok(Vault { inner: Arc::new(Inner::new(addr.to_owned(), timeout, session, None)) })
    }

    /// The client with the current token.
    pub(crate) fn client(&self) -> Arc<VaultClient> {
        Arc::clone(&self.inner.session.read().unwrap_or_else(PoisonError::into_inner).client)
    }

    /// Runs `op` with the current token. When it is `Denied` because Vault no longer accepts
    /// the token itself (revoked, or expired during an outage longer than the renewal
    /// task's retries), an AppRole handle logs in again and runs `op` once more; a second
    /// `Denied` is the policy speaking and is returned. Without this, requests would fail
    /// until the next renewal tick, which may be most of an hour away. Retrying writes is
    /// safe: Vault executes nothing for a request it denies.
    pub(crate) async fn call<T, E, F, Fut>(&self, op: F) -> Result<T, VaultError>
    where
        F: Fn(Arc<VaultClient>) -> Fut,
        Fut: Future<Output = Result<T, E>>,
        E: Into<VaultError>,
    {
        let client = self.client();
        match op(Arc::clone(&client)).await.map_err(Into::into) {
            Err(denied @ VaultError::Denied(_)) => {
                if self.recover_token(&client).await? {
                    op(self.client()).await.map_err(Into::into)
                } else {
                    Err(denied)
                }
            }
            other => other,
        }
    }

    /// `Ok` when Vault is initialised, unsealed and active (or a standby that forwards), for
    /// `/readyz`. Unauthenticated, so it says nothing about our token.
    pub async fn health(&self) -> Result<(), VaultError> {
        let client = self.client();
        // vaultrs' typed health response requires fields OpenBao omits
        // (`performance_standby`), so read the status code ourselves.
        let url = format!("{}/v1/sys/health", client.http.base.trim_end_matches('/'));
        let response = client
            .http
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| VaultError::Unavailable(Cause::new(format!("health request failed: {e}"))))?;
        match response.status().as_u16() {
            // 429: an unsealed standby; it forwards requests to the active node.
            200 | 429 => Ok(()),
            code => Err(VaultError::Unavailable(Cause::new(format!("health returned status {code}")))),
        }
    }

    /// Mounts a secrets engine (`transit`, `kv-v2`, ...) at `path`. Bootstrap only: needs a
    /// token allowed to write `sys/mounts`, which no service role has.
    pub async fn enable_secrets_engine(&self, path: &str, engine: &str) -> Result<(), VaultError> {
        self.call(|client| async move { vaultrs::sys::mount::enable(&*client, path, engine, None).await }).await
    }
}

impl Inner {
    /// With the default mounts; `login_approle` overrides them from the settings.
    fn new(addr: String, timeout: Duration, session: Session, approle: Option<AppRole>) -> Self {
        Self {
            addr,
            timeout,
            transit_mount: "transit".to_owned(),
            kv_mount: "secret".to_owned(),
            session: RwLock::new(session),
            approle,
            upkeep: tokio::sync::Mutex::new(None),
            logins: AtomicU64::new(0),
            renewer: OnceLock::new(),
        }
    }
}

pub(crate) fn build_client(addr: &str, token: &str, timeout: Duration) -> Result<VaultClient, VaultError> {
    // vaultrs' `address` setter panics on an invalid URL: check it first.
    reqwest::Url::parse(addr).map_err(|_| VaultError::internal("vault address is not a valid URL"))?;
    let settings = VaultClientSettingsBuilder::default()
        .address(addr)
        .token(token)
        .timeout(Some(timeout))
        .build()
        .map_err(|e| VaultError::internal(format!("vault client settings: {e}")))?;
    Ok(VaultClient::new(settings)?)
}
