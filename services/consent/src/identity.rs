//! [`IdentityClient`]: asks identity who the caller is (`GET /v1/me`: their email and name)
//! and which practices they belong to (`GET /v1/me/tenants`: the practice's name), with the
//! caller's own token, so identity answers about that principal only (no service token).
//! Records transfers use it: what the client reads of a requester is what identity said
//! when they asked, a request reaches the client who uses the email it names, and an
//! outside provider's request is recorded only for a client of the practice (the directory). identity
//! also emails an outside provider the link to records a client approved for them
//! (`POST /internal/v1/notifications/records-link`, with the client's own token).
//!
//! Fails closed: identity down, slow or answering anything but 200 with the expected body
//! is `Unavailable`, never a guess.

use std::time::Duration;

use anyhow::anyhow;
use serde::de::DeserializeOwned;
use tp_identity_api::account::{MyTenants, Profile};
use tp_identity_api::admin::Directory;
use tp_identity_api::internal::RecordsLinkNotice;
use tp_identity_api::paths;
use tp_ids::{TenantId, UserId};

use crate::error::Error;

#[derive(Clone)]
pub struct IdentityClient {
    base: String,
    http: reqwest::Client,
}

impl IdentityClient {
    pub fn new(base: &str, timeout: Duration) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder().timeout(timeout).connect_timeout(timeout).build()?;
        Ok(Self { base: base.trim_end_matches('/').to_owned(), http })
    }

    /// The caller's own profile.
    #[tracing::instrument(skip_all)]
    pub async fn me(&self, token: &str) -> Result<Profile, Error> {
        self.get(token, paths::ME).await
    }

    /// The practices the caller belongs to.
    #[tracing::instrument(skip_all)]
    pub async fn my_tenants(&self, token: &str) -> Result<MyTenants, Error> {
        self.get(token, paths::MY_TENANTS).await
    }

    /// Whether `user` is a client of the caller's practice `tenant` (the practice directory,
    /// which leaves out anyone who is not a member).
    #[tracing::instrument(skip_all)]
    pub async fn is_client(&self, token: &str, tenant: TenantId, user: UserId) -> Result<bool, Error> {
        let directory: Directory = self.get(token, &format!("{}?ids={user}", paths::users(tenant))).await?;
        Ok(directory.users.iter().any(|entry| entry.user_id == user && entry.roles.iter().any(|r| r == "client")))
    }

    /// Has identity email `notice`'s link to the outside provider; `Unavailable` unless it
    /// says it was sent.
    #[tracing::instrument(skip_all)]
    pub async fn records_link(&self, token: &str, notice: &RecordsLinkNotice) -> Result<(), Error> {
        let response = self
            .http
            .post(format!("{}{}", self.base, paths::RECORDS_LINK_NOTIFICATION))
            .bearer_auth(token)
            .json(notice)
            .send()
            .await
            .map_err(|e| Error::Unavailable(anyhow!(e).context("identity unreachable")))?;
        if !response.status().is_success() {
            return Err(Error::Unavailable(anyhow!("identity: records link answered {}", response.status().as_u16())));
        }
        Ok(())
    }

    async fn get<T: DeserializeOwned>(&self, token: &str, path: &str) -> Result<T, Error> {
        let unavailable = |what: &str| Error::Unavailable(anyhow!("identity: {what}"));
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .map_err(|e| Error::Unavailable(anyhow!(e).context("identity unreachable")))?;
        if !response.status().is_success() {
            return Err(unavailable(&format!("answered {}", response.status().as_u16())));
        }
        response.json().await.map_err(|_| unavailable("answered an unexpected body"))
    }
}
