//! Typed calls to records' `/v1` API, with the wire types of `tp_records_api`. Every body
//! here is PHI: nothing of it is logged.

use reqwest::Method;
use tp_ids::{TenantId, UserId};
use tp_records_api::chart::{Chart, Demographics, SearchResults};
use tp_records_api::paths;

use crate::downstream::Downstream;
use crate::graphql::context::RequestCtx;
use crate::graphql::error::GqlError;

#[derive(Clone)]
pub struct RecordsClient(pub Downstream);

impl RecordsClient {
    pub async fn chart(&self, cx: &RequestCtx, tenant: TenantId, client: UserId) -> Result<Chart, GqlError> {
        self.0.get(cx, &paths::chart(tenant, client)).await
    }

    pub async fn set_demographics(
        &self,
        cx: &RequestCtx,
        tenant: TenantId,
        client: UserId,
        demographics: &Demographics,
    ) -> Result<Chart, GqlError> {
        self.0.send_json(cx, Method::PUT, &paths::demographics(tenant, client), demographics).await
    }

    pub async fn search(&self, cx: &RequestCtx, tenant: TenantId, name: &str) -> Result<SearchResults, GqlError> {
        let name: String = url::form_urlencoded::byte_serialize(name.as_bytes()).collect();
        self.0.get(cx, &format!("{}?name={name}", paths::search(tenant))).await
    }
}
