//! [`record`]: appends an [`AuditEvent`] with one INSERT on the caller's connection, which is
//! meant to be the transaction of the access being audited (a `TenantTx` for tenant data).
//!
//! No retry, no buffering, no second connection: an event that cannot be written must fail
//! the operation it describes, so the caller propagates the error and the access rolls back.

use sea_orm::{ConnectionTrait, DbErr, Statement};

use crate::event::AuditEvent;

/// The event could not be written (the database refused it, e.g. an event of another tenant
/// than the transaction's, or is unreachable). The message is generic; the cause is logged.
#[derive(Debug, thiserror::Error)]
#[error("audit event could not be recorded")]
pub struct AuditError(#[source] pub DbErr);

const INSERT: &str = "insert into audit.events \
    (id, tenant_id, service, action, outcome, actor_kind, actor_id, subject_kind, subject_id, request_id, details) \
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

/// Appends `event` on `conn`: it commits or rolls back with the caller's transaction.
pub async fn record(conn: &impl ConnectionTrait, event: &AuditEvent) -> Result<(), AuditError> {
    let details: serde_json::Map<String, serde_json::Value> =
        event.details.iter().map(|(key, value)| ((*key).to_owned(), value.clone().into())).collect();
    let values: [sea_orm::Value; 11] = [
        uuid::Uuid::now_v7().into(),
        event.tenant.map(uuid::Uuid::from).into(),
        event.action.service().into(),
        event.action.as_str().into(),
        event.outcome.as_str().into(),
        event.actor.kind().into(),
        event.actor.id().into(),
        event.subject.as_ref().map(|s| s.kind).into(),
        event.subject.as_ref().map(|s| s.id.clone()).into(),
        event.request_id.map(|id| id.to_string()).into(),
        serde_json::Value::Object(details).into(),
    ];
    conn.execute_raw(Statement::from_sql_and_values(conn.get_database_backend(), INSERT, values))
        .await
        .map(|_| ())
        .map_err(AuditError)
}
