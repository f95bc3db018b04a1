//! Who a [`Vault`] handle is, and keeping that true: the AppRole login, token renewal, and
//! recovery when Vault stops accepting the token (revoked, or expired during a long outage).
//!
//! Every login and renewal runs under `Inner::upkeep`, a tokio mutex: the background renewal
//! and request paths never log in at the same time, and callers that all found the token
//! rejected share one login and its outcome, failure included, instead of logging in one
//! after another. A replaced token is revoked, best effort, so logins leave no live tokens
//! behind.
//!
//! Not here: when to renew ([`crate::renewal`]) and the operations themselves.

use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use tp_config::VaultSettings;
use vaultrs::client::{Client as _, VaultClient};

use crate::client::{Vault, build_client};
use crate::error::VaultError;

/// A client carrying one token, with the TTL the login that issued it granted.
#[derive(Clone)]
pub(crate) struct Session {
    pub(crate) client: Arc<VaultClient>,
    /// A renewal granting much less than this means the token's max TTL is near, so logging
    /// in again is better than renewing. Zero for fixed tokens.
    pub(crate) login_ttl: Duration,
}

pub(crate) struct AppRole {
    mount: String,
    role_id: SecretString,
    secret_id: SecretString,
}

impl AppRole {
    pub(crate) fn new(settings: &VaultSettings) -> Self {
        Self {
            mount: settings.approle_mount.clone(),
            role_id: settings.role_id.clone(),
            secret_id: settings.secret_id.clone(),
        }
    }

    /// Logs in and returns a client carrying the new token.
    pub(crate) async fn login(&self, addr: &str, timeout: Duration) -> Result<Session, VaultError> {
        let mut client = build_client(addr, "", timeout)?;
        let auth = vaultrs::auth::approle::login(
            &client,
            &self.mount,
            self.role_id.expose_secret(),
            self.secret_id.expose_secret(),
        )
        .await?;
        client.set_token(&auth.client_token);
        Ok(Session { client: Arc::new(client), login_ttl: Duration::from_secs(auth.lease_duration) })
    }
}

impl Vault {
    /// Remaining TTL of the current token (lookup-self). Zero means it never expires.
    pub async fn token_ttl(&self) -> Result<Duration, VaultError> {
        let info = self.call(|client| async move { client.lookup().await }).await?;
        Ok(Duration::from_secs(info.ttl))
    }

    /// Extends the token now and returns its new TTL: renew-self, or, for an AppRole
    /// handle, a fresh login when renewal fails or would grant less than half the login
    /// TTL (the max TTL is near). The background task calls this; it is public so tests
    /// and operators can force it.
    pub async fn renew_token(&self) -> Result<Duration, VaultError> {
        let mut upkeep = self.inner.upkeep.lock().await;
        let session = self.session();
        let renewed = session.client.renew(None).await.map_err(VaultError::from);
        let Some(approle) = &self.inner.approle else {
            return renewed.map(|auth| Duration::from_secs(auth.lease_duration));
        };
        match renewed {
            Ok(auth) if Duration::from_secs(auth.lease_duration.saturating_mul(2)) >= session.login_ttl => {
                Ok(Duration::from_secs(auth.lease_duration))
            }
            Ok(_) => {
                tracing::info!("vault token nears its max TTL; logging in again");
                self.login_locked(approle, &mut upkeep).await
            }
            Err(err) => {
                tracing::warn!(code = err.code(), cause = %err.cause(), "vault token renewal failed; logging in again");
                self.login_locked(approle, &mut upkeep).await
            }
        }
    }

    /// Revokes the current token at Vault now, e.g. at shutdown. An AppRole handle logs in
    /// again on its next operation; a fixed-token handle is unusable afterwards.
    pub async fn revoke_token(&self) -> Result<(), VaultError> {
        Ok(self.client().revoke().await?)
    }

    /// Called after an operation with `stale` was `Denied`. `Ok(true)` when a token Vault
    /// accepts is now in place (another caller's login, or ours) and the operation is worth
    /// one retry; `Ok(false)` when the denial was about the operation, not the token.
    pub(crate) async fn recover_token(&self, stale: &Arc<VaultClient>) -> Result<bool, VaultError> {
        let Some(approle) = &self.inner.approle else {
            return Ok(false);
        };
        if !Arc::ptr_eq(&self.client(), stale) {
            return Ok(true);
        }
        // Most 403s are the policy refusing the operation; logging in for each would hammer
        // Vault's login endpoint (a storage write per login) for nothing. Only a token Vault
        // will not even look up (`tp-base` grants lookup-self) is worth replacing.
        match stale.lookup().await.map_err(VaultError::from) {
            Ok(_) => return Ok(false),
            Err(VaultError::Denied(_)) => {}
            Err(err) => return Err(err),
        }
        let logins_seen = self.inner.logins.load(Ordering::Acquire);
        let mut upkeep = self.inner.upkeep.lock().await;
        if !Arc::ptr_eq(&self.client(), stale) {
            return Ok(true);
        }
        if self.inner.logins.load(Ordering::Acquire) != logins_seen
            && let Some(err) = upkeep.as_ref()
        {
            // A login ran while we waited for the lock, and failed: that is our answer too.
            return Err(err.clone());
        }
        tracing::warn!("vault no longer accepts the service token; logging in again");
        self.login_locked(approle, &mut upkeep).await.map(|_| true)
    }

    /// Logs in and swaps the session. `upkeep` is the content of `Inner::upkeep`, whose
    /// lock the caller holds; it records a failure for the callers waiting on that lock.
    async fn login_locked(&self, approle: &AppRole, upkeep: &mut Option<VaultError>) -> Result<Duration, VaultError> {
        let outcome = approle.login(&self.inner.addr, self.inner.timeout).await;
        // Counted once finished, so callers that started waiting during this login see it.
        self.inner.logins.fetch_add(1, Ordering::AcqRel);
        let session = match outcome {
            Ok(session) => session,
            Err(err) => {
                *upkeep = Some(err.clone());
                return Err(err);
            }
        };
        *upkeep = None;
        let ttl = session.login_ttl;
        let replaced =
            std::mem::replace(&mut *self.inner.session.write().unwrap_or_else(PoisonError::into_inner), session);
        // Operations still running on the old token that fail because of this revocation
        // see the session changed and retry on the new one.
        tokio::spawn(async move {
            if let Err(err) = replaced.client.revoke().await.map_err(VaultError::from) {
                tracing::debug!(code = err.code(), cause = %err.cause(), "revoking the replaced vault token failed");
            }
        });
        Ok(ttl)
    }

    fn session(&self) -> Session {
        self.inner.session.read().unwrap_or_else(PoisonError::into_inner).clone()
    }
}
