//! consent's audit events, written into `audit.events` with `tp_audit_log`: a success in the
//! transaction of the access itself (the document is returned or stored only if its event
//! commits), a refusal in a transaction of its own.
//!
//! Events carry ids and counts only: the client's id as subject, never a name, a title or
//! which template was signed.

use sea_orm::{ConnectionTrait, DatabaseConnection};
use tp_audit_log::{Action, Actor, AuditEvent, Outcome, Subject};
use tp_auth::Principal;
use tp_ids::{RequestId, TenantId, UserId};

use crate::error::Error;

/// Who is asking, and the request the event belongs to.
pub struct Caller<'a> {
    pub principal: &'a Principal,
    pub request_id: Option<RequestId>,
    /// The caller's own bearer token, for the calls consent makes on their behalf.
    pub token: &'a str,
}

impl Caller<'_> {
    /// An event of `tenant` by this caller, about `client` when there is one.
    pub fn event(&self, action: Action, outcome: Outcome, tenant: TenantId, client: Option<UserId>) -> AuditEvent {
        tp_audit_log::client_event((self.principal, self.request_id), action, outcome, tenant, client)
    }

    /// The success event of `action`.
    pub fn success(&self, action: Action, tenant: TenantId, client: Option<UserId>) -> AuditEvent {
        self.event(action, Outcome::Success, tenant, client)
    }
}

/// An event with no signed-in actor (`anonymous`): an outside provider opening a records
/// link, whose token and code are the credentials. Of `tenant`, about `client`.
pub fn anonymous_event(
    (action, outcome): (Action, Outcome),
    tenant: TenantId,
    client: UserId,
    request_id: Option<RequestId>,
) -> AuditEvent {
    let event =
        AuditEvent::new(action, outcome, Actor::Anonymous).tenant(tenant).subject(Subject::new("client", client));
    match request_id {
        Some(id) => event.request_id(id),
        None => event,
    }
}

/// Appends `event` on `conn`, the transaction of the access it describes.
pub async fn record(conn: &impl ConnectionTrait, event: &AuditEvent) -> Result<(), Error> {
    Ok(tp_audit_log::record(conn, event).await?)
}

/// Records a refused attempt in its own transaction, in the caller's own practice (a probe
/// of another practice is the prober's practice's business); platform-level for a caller
/// without one. Best effort: the refusal stands whether or not its event was written, and a
/// failure is logged.
pub async fn record_refusal(db: &DatabaseConnection, caller: &Caller<'_>, action: Action, client: Option<UserId>) {
    let written = tp_audit_log::record_refusal(db, (caller.principal, caller.request_id), action, client).await;
    if let Err(e) = written {
        tracing::warn!(error = %tp_errors::error_chain(&e), %action, "refusal could not be audited");
    }
}
