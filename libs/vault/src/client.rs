//! [`Vault`]: an authenticated, cheaply cloneable handle on Vault (OpenBao), its login and
//! token upkeep, and the readiness probe.
//!
//! Operations live next to their engine ([`crate::transit`], [`crate::kv`]); this file only
//! owns "who am I and is my token alive". It does not retry failed operations: callers
//! decide, and a request must fail fast when Vault is down rather than queue behind it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, PoisonError, RwLock};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use tokio::task::AbortHandle;
use tp_config::VaultSettings;
use vaultrs::client::{Client as _, VaultClient, VaultClientSettingsBuilder};

use crate::error::{Cause, VaultError};

/// Handle on Vault. Clones share one HTTP connection pool and one token; the background
/// renewal task (AppRole logins only) stops when the last clone is dropped.
#[derive(Clone)]
pub struct Vault {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    addr: String,
    timeout: Duration,
    pub(crate) transit_mount: String,
    pub(crate) kv_mount: String,
    /// The client carrying the current token. Replaced wholesale on re-login; readers clone
    /// the `Arc` and release the lock at once, so it is never held across an await.
    client: RwLock<Arc<VaultClient>>,
    /// `None` for a fixed token (`with_token`): nothing to renew or log in again with.
    approle: Option<AppRole>,
    /// TTL granted at the last login, in seconds: a renewal granting much less means the
    /// token's max TTL is near, so logging in again is better than renewing.
    login_ttl_secs: AtomicU64,
    /// Set once the renewal task is spawned; aborted when the last handle goes away (the
    /// task itself holds only a `Weak`, so it never keeps the handle alive).
    renewer: OnceLock<AbortHandle>,
}

struct AppRole {
    mount: String,
    role_id: SecretString,
    secret_id: SecretString,
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
        let approle = AppRole {
            mount: settings.approle_mount.clone(),
            role_id: settings.role_id.clone(),
            secret_id: settings.secret_id.clone(),
        };
        let timeout = Duration::from_secs(settings.timeout_secs);
        let (client, ttl) = approle.login(&settings.addr, timeout).await?;
        let inner = Arc::new(Inner {
            addr: settings.addr.clone(),
            timeout,
            transit_mount: settings.transit_mount.clone(),
            kv_mount: settings.kv_mount.clone(),
            client: RwLock::new(Arc::new(client)),
            approle: Some(approle),
            login_ttl_secs: AtomicU64::new(ttl.as_secs()),
            renewer: OnceLock::new(),
        });
        let task = tokio::spawn(crate::renewal::run(Arc::downgrade(&inner), ttl));
        let _ = inner.renewer.set(task.abort_handle());
        Ok(Vault { inner })
    }

    /// A handle using a fixed token (the root token of a dev server, for bootstrap and
    /// tests). Nothing is renewed. Mounts are the defaults: `transit`, `secret`.
    pub fn with_token(addr: &str, token: &str, timeout: Duration) -> Result<Vault, VaultError> {
        let client = build_client(addr, token, timeout)?;
        Ok(Vault {
            inner: Arc::new(Inner {
                addr: addr.to_owned(),
                timeout,
                transit_mount: "transit".to_owned(),
                kv_mount: "secret".to_owned(),
                client: RwLock::new(Arc::new(client)),
                approle: None,
                login_ttl_secs: AtomicU64::new(0),
                renewer: OnceLock::new(),
            }),
        })
    }

    /// The client with the current token.
    pub(crate) fn client(&self) -> Arc<VaultClient> {
        Arc::clone(&self.inner.client.read().unwrap_or_else(PoisonError::into_inner))
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

    /// Remaining TTL of the current token (lookup-self). Zero means it never expires.
    pub async fn token_ttl(&self) -> Result<Duration, VaultError> {
        let info = self.client().lookup().await?;
        Ok(Duration::from_secs(info.ttl))
    }

    /// Extends the token now and returns its new TTL: renew-self, or, for an AppRole
    /// handle, a fresh login when renewal fails or would grant less than half the login
    /// TTL (the max TTL is near). The background task calls this; it is public so tests
    /// and operators can force it.
    pub async fn renew_token(&self) -> Result<Duration, VaultError> {
        let renewed = self.client().renew(None).await.map_err(VaultError::from);
        let Some(approle) = &self.inner.approle else {
            return renewed.map(|auth| Duration::from_secs(auth.lease_duration));
        };
        let login_ttl = self.inner.login_ttl_secs.load(Ordering::Relaxed);
        match renewed {
            Ok(auth) if auth.lease_duration.saturating_mul(2) >= login_ttl => {
                Ok(Duration::from_secs(auth.lease_duration))
            }
            Ok(_) => {
                tracing::info!("vault token nears its max TTL; logging in again");
                self.relogin(approle).await
            }
            Err(err) => {
                tracing::warn!(code = err.code(), cause = %err.cause(), "vault token renewal failed; logging in again");
                self.relogin(approle).await
            }
        }
    }

    async fn relogin(&self, approle: &AppRole) -> Result<Duration, VaultError> {
        let (client, ttl) = approle.login(&self.inner.addr, self.inner.timeout).await?;
        self.inner.login_ttl_secs.store(ttl.as_secs(), Ordering::Relaxed);
        *self.inner.client.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(client);
        Ok(ttl)
    }

    /// Mounts a secrets engine (`transit`, `kv-v2`, ...) at `path`. Bootstrap only: needs a
    /// token allowed to write `sys/mounts`, which no service role has.
    pub async fn enable_secrets_engine(&self, path: &str, engine: &str) -> Result<(), VaultError> {
        Ok(vaultrs::sys::mount::enable(&*self.client(), path, engine, None).await?)
    }
}

impl AppRole {
    /// Logs in and returns a client carrying the new token, with the token's TTL.
    async fn login(&self, addr: &str, timeout: Duration) -> Result<(VaultClient, Duration), VaultError> {
        let mut client = build_client(addr, "", timeout)?;
        let auth = vaultrs::auth::approle::login(
            &client,
            &self.mount,
            self.role_id.expose_secret(),
            self.secret_id.expose_secret(),
        )
        .await?;
        client.set_token(&auth.client_token);
        Ok((client, Duration::from_secs(auth.lease_duration)))
    }
}

fn build_client(addr: &str, token: &str, timeout: Duration) -> Result<VaultClient, VaultError> {
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
