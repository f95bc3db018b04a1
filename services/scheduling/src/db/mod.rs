//! Queries of the scheduling schema: the only place SQL appears. Every statement runs in a
//! `TenantTx` and also names its `tenant_id` (defence in depth on top of RLS).

pub(crate) mod appointments;

use sea_orm::{DbBackend, Statement, Value};
use tp_db::TenantTx;

/// A PostgreSQL statement with positional parameters (`$1`, `$2`, ...).
fn stmt(sql: &str, values: impl IntoIterator<Item = Value>) -> Statement {
    Statement::from_sql_and_values(DbBackend::Postgres, sql, values)
}

/// The transaction's practice, as the first parameter of every statement.
fn tenant(tx: &TenantTx) -> Value {
    (*tx.tenant().as_uuid()).into()
}
