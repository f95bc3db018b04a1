//! scheduling's audit events, written into `audit.events` with `tp_audit_log`: a success in
//! the transaction of the access itself (nothing is booked, shown or recorded unless its
//! event commits), a refusal in a transaction of its own. Events carry ids only: the client
//! as subject, the appointment's id as a detail, never a time.

use sea_orm::{ConnectionTrait, DatabaseConnection};
use tp_audit_log::{Action, AuditEvent, Outcome};
use tp_auth::Principal;
use tp_ids::{RequestId, TenantId, UserId};

use crate::domain::reach::Viewer;
use crate::error::Error;

/// Who is asking, and the request the event belongs to.
pub struct Caller<'a> {
    pub principal: &'a Principal,
    pub request_id: Option<RequestId>,
    /// The caller's own bearer token, for the questions scheduling asks identity and consent.
    pub token: &'a str,
}

impl Caller<'_> {
    /// The success event of `action` in `tenant`, about `client` when there is one.
    pub fn success(&self, action: Action, tenant: TenantId, client: Option<UserId>) -> AuditEvent {
        tp_audit_log::client_event((self.principal, self.request_id), action, Outcome::Success, tenant, client)
    }

    pub fn viewer(&self) -> Viewer {
        Viewer::of(self.principal.actor(), self.principal.roles())
    }
}

/// Appends `event` on `conn`, the transaction of the access it describes.
pub async fn record(conn: &impl ConnectionTrait, event: &AuditEvent) -> Result<(), Error> {
    Ok(tp_audit_log::record(conn, event).await?)
}

/// Records a refused attempt in its own transaction, in the caller's own practice. Best
/// effort: the refusal stands whether or not its event was written, and a failure is logged.
pub async fn record_refusal(db: &DatabaseConnection, caller: &Caller<'_>, action: Action, client: Option<UserId>) {
    let written = tp_audit_log::record_refusal(db, (caller.principal, caller.request_id), action, client).await;
    if let Err(e) = written {
        tracing::warn!(error = %tp_errors::error_chain(&e), %action, "refusal could not be audited");
    }
}
