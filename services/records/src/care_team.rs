//! [`IdentityClient`]: asks identity whether a clinician is on a client's care team
//! (`GET /internal/v1/care-team/check`) and whether someone is a client of the practice
//! (the directory, `GET /v1/tenants/{t}/users`), with the caller's own token forwarded so
//! identity applies its own rules to the same principal (no trust between hops); and asks
//! identity to email the practice admins about a break-glass opening.
//!
//! Fails closed: identity down, slow, or answering anything but 200 with `{"assigned":
//! bool}` is an error, never a yes. A "yes" is kept for a while ([`answers`]), and used only
//! while identity's care-team stamp in Redis says no care team changed since; Redis
//! unreachable is an error too.

mod answers;

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::anyhow;
use redis::aio::ConnectionManager;
use serde::Deserialize;
use tp_identity_api::admin::Directory;
use tp_identity_api::internal::care_team_stamp_key;
use tp_identity_api::paths;
use tp_ids::{TenantId, UserId};

use self::answers::Answers;
use crate::audit::Caller;
use crate::error::Error;

#[derive(Clone)]
pub struct IdentityClient {
    base: String,
    http: reqwest::Client,
    /// Where identity keeps the care-team stamps.
    redis: ConnectionManager,
    answers: Arc<Answers>,
}

#[derive(Deserialize)]
struct Check {
    assigned: bool,
}

impl IdentityClient {
    /// `keep_answers`: how long a "yes" may be reused (zero: never).
    pub fn new(
        base: &str,
        timeout: Duration,
        redis: ConnectionManager,
        keep_answers: Duration,
    ) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder().timeout(timeout).connect_timeout(timeout).build()?;
        Ok(Self {
            base: base.trim_end_matches('/').to_owned(),
            http,
            redis,
            answers: Arc::new(Answers::new(keep_answers)),
        })
    }

    /// Whether `clinician` is on `client`'s care team in `tenant` (the caller's own practice,
    /// which identity takes from the token). `caller.care_team_stamp` is the stamp read with
    /// the caller's revocation check; it is read (or first written) here when it is not
    /// `tenant`'s or there was none.
    #[tracing::instrument(skip_all)]
    pub async fn is_assigned(
        &self,
        caller: &Caller<'_>,
        tenant: TenantId,
        clinician: UserId,
        client: UserId,
    ) -> Result<bool, Error> {
        if !self.answers.enabled() {
            return self.ask_assigned(caller.token, clinician, client).await;
        }
        let key = (tenant, clinician, client);
        // Read before identity is asked, so an answer racing a change is stored under the
        // stamp that change replaces.
        let stamp = match caller.care_team_stamp {
            Some((of, Some(stamp))) if of == tenant => stamp.to_owned(),
            _ => self.stamp(tenant).await?,
        };
        if self.answers.assigned(&key, &stamp, Instant::now()) {
            return Ok(true);
        }
        let assigned = self.ask_assigned(caller.token, clinician, client).await?;
        if assigned {
            self.answers.store(key, stamp, Instant::now());
        }
        Ok(assigned)
    }

    async fn ask_assigned(&self, token: &str, clinician: UserId, client: UserId) -> Result<bool, Error> {
        // UUIDs need no escaping.
        let path = format!("/internal/v1/care-team/check?clinician_id={clinician}&client_id={client}");
        let check: Check = self.get(token, &path, "identity care-team check").await?;
        Ok(check.assigned)
    }

    /// `tenant`'s care-team stamp. When there is none (no care-team change went through
    /// identity yet, or Redis lost its data), one is written here, if identity does not write
    /// one first: a fresh value, so no answer kept under an earlier stamp can match again.
    async fn stamp(&self, tenant: TenantId) -> Result<String, Error> {
        let key = care_team_stamp_key(tenant);
        let mut redis = self.redis.clone();
        let unavailable = |e: redis::RedisError| Error::Unavailable(anyhow!(e).context("care-team stamp"));
        let (stamp,): (Option<String>,) = redis::pipe()
            .cmd("SET")
            .arg(&key)
            .arg(uuid::Uuid::new_v4().to_string())
            .arg("NX")
            .ignore()
            .cmd("GET")
            .arg(&key)
            .query_async(&mut redis)
            .await
            .map_err(unavailable)?;
        stamp.ok_or_else(|| Error::Unavailable(anyhow!("care-team stamp vanished as it was written")))
    }

    /// Whether `user` is a client of `tenant` (an active or invited member with the client role).
    #[tracing::instrument(skip_all)]
    pub async fn is_client(&self, token: &str, tenant: TenantId, user: UserId) -> Result<bool, Error> {
        let path = format!("{}?ids={user}", paths::users(tenant));
        let directory: Directory = self.get(token, &path, "identity directory").await?;
        Ok(directory.users.iter().any(|u| u.user_id == user && u.roles.iter().any(|r| r == "client")))
    }

    /// Asks identity to email the practice admins that `grant` opened a chart under
    /// break-glass (the caller's token: identity checks they may open one).
    #[tracing::instrument(skip_all)]
    pub async fn notify_break_glass(&self, token: &str, grant: uuid::Uuid) -> Result<(), Error> {
        let what = "identity break-glass notification";
        let response = self
            .http
            .post(format!("{}{}", self.base, paths::BREAK_GLASS_NOTIFICATION))
            .bearer_auth(token)
            .json(&tp_identity_api::internal::BreakGlassNotice { grant_id: grant })
            .send()
            .await
            .map_err(|e| Error::Unavailable(anyhow!(e).context(what)))?;
        let status = response.status();
        if status.is_success() { Ok(()) } else { Err(Error::Unavailable(anyhow!("{what} answered {status}"))) }
    }

    async fn get<T: serde::de::DeserializeOwned>(
        &self,
        token: &str,
        path: &str,
        what: &'static str,
    ) -> Result<T, Error> {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .map_err(|e| Error::Unavailable(anyhow!(e).context(what)))?;
        let status = response.status();
        if status.is_server_error() {
            return Err(Error::Unavailable(anyhow!("{what} answered {status}")));
        }
        if !status.is_success() {
            // The same principal passed our own checks: a refusal here means the two services
            // disagree, which is ours to fix, and the answer stays "no access".
            return Err(Error::Internal(anyhow!("{what} answered {status}")));
        }
        response.json().await.map_err(|e| Error::Unavailable(anyhow!(e).context(what)))
    }
}
