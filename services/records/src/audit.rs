//! records' audit events, written into `audit.events` with `tp_audit_log`: a successful read
//! or write in the transaction of the access itself (so the data is returned or changed only
//! if its event commits), a refusal in a transaction of its own.
//!
//! Events carry ids and codes only: the client's id as subject, never a name or a value.

use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait as _};
use tp_audit_log::{Action, AuditEvent, Outcome, Subject};
use tp_auth::Principal;
use tp_db::TenantTx;
use tp_ids::{RequestId, TenantId, UserId};

use crate::error::Error;

/// Who is asking, and the request the event belongs to.
pub struct Caller<'a> {
    pub principal: &'a Principal,
    /// The bearer token as received, forwarded to identity for the care-team check.
    pub token: &'a str,
    pub request_id: Option<RequestId>,
    /// The care-team stamp of the caller's practice as read with the revocation check (`None`
    /// inside when there was none yet); `None` for a caller of no practice.
    pub care_team_stamp: Option<(TenantId, Option<&'a str>)>,
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
}

/// Appends `event` on `conn`, the transaction of the access it describes.
pub async fn record(conn: &impl ConnectionTrait, event: &AuditEvent) -> Result<(), Error> {
    Ok(tp_audit_log::record(conn, event).await?)
}

/// Records a refused attempt in its own transaction, in the caller's own practice (an
/// attempt at another practice's chart is the caller's practice's business, not the
/// target's); platform-level for a caller without one. Best effort: the refusal stands
/// whether or not its event could be written, and a failure is logged.
pub async fn record_refusal(db: &DatabaseConnection, caller: &Caller<'_>, action: Action, client: Option<UserId>) {
    let result = match caller.principal.tenant_opt() {
        Some(own) => refusal_in_tenant(db, caller.event(action, Outcome::Denied, own, client)).await,
        None => refusal_on_platform(db, caller, action, client).await,
    };
    if let Err(e) = result {
        tracing::warn!(error = %tp_errors::error_chain(&e), %action, "refusal could not be audited");
    }
}

async fn refusal_in_tenant(db: &DatabaseConnection, event: AuditEvent) -> Result<(), Error> {
    let tenant = event.tenant_id().ok_or_else(|| Error::Internal(anyhow::anyhow!("event without tenant")))?;
    let tx = TenantTx::begin(db, tenant).await?;
    record(&*tx, &event).await?;
    Ok(tx.commit().await?)
}

async fn refusal_on_platform(
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
