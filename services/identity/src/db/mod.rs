//! Queries of the identity schema: the only place SQL appears.

use sea_orm::{DbBackend, Statement, Value};

/// A PostgreSQL statement with positional parameters (`$1`, `$2`, ...).
pub(crate) fn stmt(sql: &str, values: impl IntoIterator<Item = Value>) -> Statement {
    Statement::from_sql_and_values(DbBackend::Postgres, sql, values)
}

pub(crate) mod account;
pub mod account_tokens;
pub mod authorization_requests;
pub mod care_teams;
pub mod clients;
pub mod codes;
pub(crate) mod directory;
pub(crate) mod federated_accounts;
pub(crate) mod federation_states;
pub mod memberships;
pub mod own_memberships;
pub mod recovery_codes;
pub mod refresh_tokens;
pub mod revocation;
pub mod sessions;
pub(crate) mod sso_providers;
pub mod subjects;
pub(crate) mod sweep;
pub mod tenants;
pub mod users;
