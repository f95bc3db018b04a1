//! Events about a client's record by a verified caller, shared by the services that hold a
//! record (records, consent): [`client_event`] builds one (the client as subject `client`,
//! the request id), [`record_refusal`] writes a refused attempt in a transaction of its own.
//!
//! Not here: what a refusal is (the services' access rules) and logging a refusal that
//! could not be written (the caller decides; the refusal stands either way).

use sea_orm::{DatabaseConnection, TransactionTrait as _};
use tp_auth::Principal;
use tp_db::{DbError, TenantTx};
use tp_ids::{RequestId, TenantId, UserId};

use crate::Action;
use crate::event::{AuditEvent, Outcome, Subject};
use crate::record::{AuditError, record};

/// An event of `tenant` by `principal`, about `client` when there is one.
pub fn client_event(
    (principal, request_id): (&Principal, Option<RequestId>),
    action: Action,
    outcome: Outcome,
    tenant: TenantId,
    client: Option<UserId>,
) -> AuditEvent {
    let mut event = AuditEvent::new(action, outcome, principal.actor().into()).tenant(tenant);
    if let Some(client) = client {
        event = event.subject(Subject::new("client", client));
    }
    match request_id {
        Some(id) => event.request_id(id),
        None => event,
    }
}

/// Records a refused attempt in its own transaction, in the caller's own practice (a probe
/// of another practice is the prober's practice's business), or platform-level for a caller
/// without one.
pub async fn record_refusal(
    db: &DatabaseConnection,
    caller: (&Principal, Option<RequestId>),
    action: Action,
    client: Option<UserId>,
) -> Result<(), AuditError> {
    match caller.0.tenant_opt() {
        Some(own) => {
            let tx = TenantTx::begin(db, own).await.map_err(db_error)?;
            record(&*tx, &client_event(caller, action, Outcome::Denied, own, client)).await?;
            tx.commit().await.map_err(db_error)
        }
        None => {
            let mut event = AuditEvent::new(action, Outcome::Denied, caller.0.actor().into());
            if let Some(client) = client {
                event = event.subject(Subject::new("client", client));
            }
            let tx = db.begin().await.map_err(AuditError)?;
            record(&tx, &event).await?;
            tx.commit().await.map_err(AuditError)
        }
    }
}

fn db_error(e: DbError) -> AuditError {
    match e {
        DbError::Unavailable(e) | DbError::Query(e) => AuditError(e),
    }
}
