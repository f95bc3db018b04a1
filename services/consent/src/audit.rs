//! consent's audit events, written into `audit.events` with `tp_audit_log`: a success in the
//! transaction of the access itself (the document is returned or stored only if its event
//! commits), a refusal in a transaction of its own.
//!
//! Events carry ids and counts only: the client's id as subject, never a name, a title or
//! which template was signed.

use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait as _};
use tp_audit_log::{Action, AuditEvent, Outcome, Subject};
use tp_auth::Principal;
use tp_db::TenantTx;
use tp_ids::{RequestId, TenantId, UserId};

use crate::error::Error;

/// Who is asking, and the request the event belongs to.
pub struct Caller<'a> {
    pub principal: &'a Principal,
    pub request_id: Option<RequestId>,
}

impl Caller<'_> {
    /// An event of `tenant` by this caller, about `client` when there is one.
    pub fn event(&self, action: Action, outcome: Outcome, tenant: TenantId, client: Option<UserId>) -> AuditEvent {
        let mut event = AuditEvent::new(action, outcome, self.principal.actor().into()).tenant(tenant);
        if let Some(client) = client {
            event = event.subject(Subject::new("client", client));
        }
        match self.request_id {
            Some(id) => event.request_id(id),
            None => event,
        }
    }

    /// The success event of `action`.
    pub fn success(&self, action: Action, tenant: TenantId, client: Option<UserId>) -> AuditEvent {
        self.event(action, Outcome::Success, tenant, client)
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
    let result = match caller.principal.tenant_opt() {
        Some(own) => in_tenant(db, own, caller.event(action, Outcome::Denied, own, client)).await,
        None => on_platform(db, caller, action, client).await,
    };
    if let Err(e) = result {
        tracing::warn!(error = %tp_errors::error_chain(&e), %action, "refusal could not be audited");
    }
}

async fn in_tenant(db: &DatabaseConnection, tenant: TenantId, event: AuditEvent) -> Result<(), Error> {
    let tx = TenantTx::begin(db, tenant).await?;
    record(&*tx, &event).await?;
    Ok(tx.commit().await?)
}

async fn on_platform(
    db: &DatabaseConnection,
    caller: &Caller<'_>,
    action: Action,
    client: Option<UserId>,
) -> Result<(), Error> {
    let mut event = AuditEvent::new(action, Outcome::Denied, caller.principal.actor().into());
    if let Some(client) = client {
        event = event.subject(Subject::new("client", client));
    }
    let tx = db.begin().await?;
    record(&tx, &event).await?;
    Ok(tx.commit().await?)
}
