//! [`IdentityClient`]: asks identity whether a clinician is on a client's care team
//! (`GET /internal/v1/care-team/check`), with the caller's own token forwarded so identity
//! applies its own rules to the same principal (no trust between hops).
//!
//! Fails closed: identity down, slow, or answering anything but 200 with `{"assigned":
//! bool}` is an error, never a yes.

use std::time::Duration;

use anyhow::anyhow;
use serde::Deserialize;
use tp_ids::UserId;

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
        let url = format!("{}/internal/v1/care-team/check?clinician_id={clinician}&client_id={client}", self.base);
        let response = self
            .http
            .get(url)
            .bearer_auth(token)
            .send()
            .await
            .map_err(|e| Error::Unavailable(anyhow!(e).context("identity care-team check")))?;
        let status = response.status();
        if status.is_server_error() {
            return Err(Error::Unavailable(anyhow!("identity care-team check answered {status}")));
        }
        if !status.is_success() {
            // The same principal passed our own checks: a refusal here means the two services
            // disagree, which is ours to fix, and the answer stays "no access".
            return Err(Error::Internal(anyhow!("identity care-team check answered {status}")));
        }
        let check: Check =
            response.json().await.map_err(|e| Error::Unavailable(anyhow!(e).context("identity care-team check")))?;
        Ok(check.assigned)
    }
}
