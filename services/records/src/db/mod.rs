//! Queries of the records schema: the only place SQL appears. Every statement also names
//! its `tenant_id` (defence in depth on top of RLS).

use sea_orm::{DbBackend, Statement, Value};

/// A PostgreSQL statement with positional parameters (`$1`, `$2`, ...).
pub(crate) fn stmt(sql: &str, values: impl IntoIterator<Item = Value>) -> Statement {
    Statement::from_sql_and_values(DbBackend::Postgres, sql, values)
}

pub(crate) mod amendment_requests;
pub(crate) mod break_glass;
pub(crate) mod chart_items;
pub(crate) mod clients;
pub(crate) mod documents;
pub(crate) mod forms;
pub(crate) mod notes;
pub(crate) mod psychotherapy;
pub(crate) mod treatment_plans;
