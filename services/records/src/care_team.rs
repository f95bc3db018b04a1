//! [`IdentityClient`]: asks identity whether a clinician is on a client's care team
//! (`GET /internal/v1/care-team/check`) and whether someone is a client of the practice
//! (the directory, `GET /v1/tenants/{t}/users`), with the caller's own token forwarded so
//! identity applies its own rules to the same principal (no trust between hops); and asks
//! identity to email the practice admins about a break-glass opening.
//!
//! Fails closed: identity down, slow, or answering anything but 200 with `{"assigned":
//! bool}` is an error, never a yes.

use std::time::Duration;

use anyhow::anyhow;
use serde::Deserialize;
use tp_identity_api::admin::Directory;
use tp_identity_api::paths;
use tp_ids::{TenantId, UserId};

use crate::error::Error;

#[derive(Clone)]
pub struct IdentityClient {
    base: String,
    http: reqwest::Client,
}

#[derive(Deserialize)]
struct Check {
    assigned: bool,
}

impl IdentityClient {
    pub fn new(base: &str, timeout: Duration) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder().timeout(timeout).connect_timeout(timeout).build()?;
        Ok(Self { base: base.trim_end_matches('/').to_owned(), http })
    }

    #[tracing::instrument(skip_all)]
    pub async fn is_assigned(&self, token: &str, clinician: UserId, client: UserId) -> Result<bool, Error> {
        // UUIDs need no escaping.
        let path = format!("/internal/v1/care-team/check?clinician_id={clinician}&client_id={client}");
        let check: Check = self.get(token, &path, "identity care-team check").await?;
        Ok(check.assigned)
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
