//! identity and consent as scheduling asks them: always with the caller's own token, so each
//! answers about that principal under its own rules, and scheduling holds no service token
//! that could ask about any client (ADR 0005).
//!
//! - [`IdentityClient::roles_of`]: the practice directory (`GET /v1/tenants/{t}/users?ids=`),
//!   which says who is a clinician and who a client of the practice.
//! - [`ConsentClient::readiness`]: whether a client signed every required document and
//!   consented to recording (`GET /internal/v1/…/consent-readiness`).
//!
//! Both fail closed: down, slow, answering anything but 200 or a body of another shape is
//! `Unavailable`, never a guess. No answer is kept: a consent withdrawn a moment ago counts
//! at the very next booking or room read.

use std::time::Duration;

use anyhow::anyhow;
use serde::de::DeserializeOwned;
use tp_consent_api::documents::Readiness;
use tp_identity_api::admin::Directory;
use tp_ids::{TenantId, UserId};

use crate::error::Error;

/// One service's base URL and an HTTP client bounded by the configured timeout.
#[derive(Clone)]
struct Service {
    name: &'static str,
    base: String,
    http: reqwest::Client,
}

impl Service {
    fn new(name: &'static str, base: &str, timeout: Duration) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder().timeout(timeout).connect_timeout(timeout).build()?;
        Ok(Self { name, base: base.trim_end_matches('/').to_owned(), http })
    }

    async fn get<T: DeserializeOwned>(&self, token: &str, path: &str) -> Result<T, Error> {
        let name = self.name;
        let unavailable = |e: reqwest::Error| Error::Unavailable(anyhow!(e).context(name));
        let response =
            self.http.get(format!("{}{path}", self.base)).bearer_auth(token).send().await.map_err(unavailable)?;
        let status = response.status();
        // Not only 5xx: scheduling admitted this caller, so a refusal means the services
        // disagree, and the one safe reading of anything but an answer is "no".
        if status != reqwest::StatusCode::OK {
            return Err(Error::Unavailable(anyhow!("{name} answered {status}")));
        }
        response.json().await.map_err(unavailable)
    }
}

#[derive(Clone)]
pub struct IdentityClient(Service);

impl IdentityClient {
    pub fn new(base: &str, timeout: Duration) -> Result<Self, reqwest::Error> {
        Service::new("identity", base, timeout).map(Self)
    }

    /// The roles `users` hold in `tenant`, as the caller may see them; someone who is not a
    /// member (or whom the caller may not see) has no entry.
    #[tracing::instrument(skip_all)]
    pub async fn roles_of(&self, token: &str, tenant: TenantId, users: &[UserId]) -> Result<Directory, Error> {
        let ids: Vec<String> = users.iter().map(ToString::to_string).collect();
        let path = format!("{}?ids={}", tp_identity_api::paths::users(tenant), ids.join(","));
        self.0.get(token, &path).await
    }
}

#[derive(Clone)]
pub struct ConsentClient(Service);

impl ConsentClient {
    pub fn new(base: &str, timeout: Duration) -> Result<Self, reqwest::Error> {
        Service::new("consent", base, timeout).map(Self)
    }

    /// May `client` book, and did they consent to recording, now?
    #[tracing::instrument(skip_all)]
    pub async fn readiness(&self, token: &str, (tenant, client): (TenantId, UserId)) -> Result<Readiness, Error> {
        self.0.get(token, &tp_consent_api::paths::readiness(tenant, client)).await
    }
}
