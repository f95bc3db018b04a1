//! Typed calls to the audit service's read API, with the wire types of `tp_audit_api`.

use tp_audit_api::events::EventPage;
use tp_audit_api::paths;
use tp_ids::TenantId;

use crate::downstream::Downstream;
use crate::graphql::context::RequestCtx;
use crate::graphql::error::GqlError;

#[derive(Clone)]
pub struct AuditClient(pub Downstream);

/// The practice search's filters, as query parameters.
#[derive(Default)]
pub struct EventFilter {
    pub action: Option<String>,
    pub actor_id: Option<String>,
    pub subject_id: Option<String>,
    pub since: Option<chrono::DateTime<chrono::Utc>>,
    pub until: Option<chrono::DateTime<chrono::Utc>>,
}

impl EventFilter {
    fn query(&self, first: usize, after: Option<uuid::Uuid>) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query.append_pair("first", &first.to_string());
        if let Some(after) = after {
            query.append_pair("after", &after.to_string());
        }
        let text = [("action", &self.action), ("actor_id", &self.actor_id), ("subject_id", &self.subject_id)];
        for (name, value) in text {
            if let Some(value) = value {
                query.append_pair(name, value);
            }
        }
        for (name, value) in [("since", self.since), ("until", self.until)] {
            if let Some(value) = value {
                query.append_pair(name, &value.to_rfc3339());
            }
        }
        query.finish()
    }
}

impl AuditClient {
    pub async fn events(
        &self,
        cx: &RequestCtx,
        tenant: TenantId,
        filter: &EventFilter,
        first: usize,
        after: Option<uuid::Uuid>,
    ) -> Result<EventPage, GqlError> {
        let query = filter.query(first, after);
        self.0.get(cx, &format!("{}?{query}", paths::events(tenant))).await
    }

    pub async fn record_access(
        &self,
        cx: &RequestCtx,
        tenant: TenantId,
        first: usize,
        after: Option<uuid::Uuid>,
    ) -> Result<EventPage, GqlError> {
        let mut path = format!("{}?first={first}", paths::record_access(tenant));
        if let Some(after) = after {
            path.push_str(&format!("&after={after}"));
        }
        self.0.get(cx, &path).await
    }
}
