//! Queries of the consent schema: the only place SQL appears. Every statement runs in a
//! `TenantTx` and also names its `tenant_id` (defence in depth on top of RLS).

pub(crate) mod authorizations;
pub(crate) mod disclosures;
pub(crate) mod requirements;
pub(crate) mod restrictions;
pub(crate) mod signatures;
pub(crate) mod templates;
pub(crate) mod transfer_links;
pub(crate) mod transfers;

use sea_orm::{DbBackend, QueryResult, Statement, Value};
use tp_db::TenantTx;

use crate::error::Error;

/// A PostgreSQL statement with positional parameters (`$1`, `$2`, ...).
fn stmt(sql: &str, values: impl IntoIterator<Item = Value>) -> Statement {
    Statement::from_sql_and_values(DbBackend::Postgres, sql, values)
}

/// The transaction's practice, as the first parameter of every statement.
fn tenant(tx: &TenantTx) -> Value {
    (*tx.tenant().as_uuid()).into()
}

/// The row an `insert … returning` must return.
fn returned<T>(found: Option<QueryResult>, map: fn(&QueryResult) -> Result<T, Error>) -> Result<T, Error> {
    map(&found.ok_or_else(|| Error::Internal(anyhow::anyhow!("insert returned no row")))?)
}

/// Whether `err` is a unique-key violation (two writers computed the same key).
fn is_unique_violation(err: &sea_orm::DbErr) -> bool {
    matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}
