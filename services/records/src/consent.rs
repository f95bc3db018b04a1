//! [`ConsentClient`]: asks consent's decision before anything of a client's record leaves the
//! practice (`POST /internal/v1/tenants/{t}/clients/{c}/decisions`), with the caller's own
//! token forwarded: consent applies its own rules to the same principal, and records holds
//! no service token that could ask about any client (ADR 0005, ADR 0006).
//!
//! Fails closed: consent down, slow, answering anything but 200, or a body that is not a
//! `Decision` is an error (UNAVAILABLE; a 400 about the recipient is the caller's 400),
//! never a permit. No answer is kept: a revocation must
//! deny the very next disclosure.

use std::time::Duration;

use anyhow::anyhow;
use tp_consent_api::disclosure::{Decision, DecisionRequest};
use tp_consent_api::paths;
use tp_ids::{TenantId, UserId};

use crate::error::Error;

#[derive(Clone)]
pub struct ConsentClient {
    base: String,
    http: reqwest::Client,
}

impl ConsentClient {
    pub fn new(base: &str, timeout: Duration) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder().timeout(timeout).connect_timeout(timeout).build()?;
        Ok(Self { base: base.trim_end_matches('/').to_owned(), http })
    }

    /// May `request.categories` of `client`'s record go to `request.recipient` now?
    #[tracing::instrument(skip_all)]
    pub async fn decide(
        &self,
        token: &str,
        (tenant, client): (TenantId, UserId),
        request: &DecisionRequest,
    ) -> Result<Decision, Error> {
        let what = "consent decision";
        let unavailable = |e: reqwest::Error| Error::Unavailable(anyhow!(e).context(what));
        let response = self
            .http
            .post(format!("{}{}", self.base, paths::decisions(tenant, client)))
            .bearer_auth(token)
            .json(request)
            .send()
            .await
            .map_err(unavailable)?;
        let status = response.status();
        // records checked the categories: what consent refuses as malformed is the recipient
        // (its rules are consent's alone). Still a refusal, never a permit.
        if status == reqwest::StatusCode::BAD_REQUEST {
            return Err(Error::invalid("recipient", "refused by consent as given"));
        }
        // Not only 5xx: a refusal here means the two services disagree about a caller records
        // admitted, and the one safe reading of any answer but a decision is "no".
        if status != reqwest::StatusCode::OK {
            return Err(Error::Unavailable(anyhow!("{what} answered {status}")));
        }
        response.json().await.map_err(unavailable)
    }
}
