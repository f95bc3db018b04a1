//! The admin use cases behind `/v1/tenants/...`: each function authorizes the caller
//! (`domain::admin`), does the work in the database, Vault and Redis, and records the audit
//! event. HTTP handlers only parse and map.

pub mod api_clients;
pub mod care_teams;
pub mod directory;
pub mod members;
pub mod notifications;
pub mod sso;
pub mod tenants;

use sea_orm::ConnectionTrait;
use tp_audit_log::{Action, AuditEvent, Outcome, Subject};
use tp_ids::TenantId;

use crate::domain::admin::Caller;
use crate::error::Error;

/// Records what an admin did, in the transaction that did it (scoped to `tenant`): when the
/// audit write fails, the change rolls back with it.
pub(crate) async fn audit(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    action: Action,
    tenant: TenantId,
    subject: Subject,
) -> Result<(), Error> {
    audit_with(conn, caller, action, tenant, subject, &[]).await
}

/// [`audit`] with details (codes and ids only, never PHI).
pub(crate) async fn audit_with(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    action: Action,
    tenant: TenantId,
    subject: Subject,
    details: &[(&'static str, String)],
) -> Result<(), Error> {
    let mut event = AuditEvent::new(action, Outcome::Success, caller.actor().into()).tenant(tenant).subject(subject);
    for (key, value) in details {
        event = event.detail(key, value.clone());
    }
    tp_audit_log::record(conn, &event).await.map_err(|e| Error::Internal(e.into()))
}
