//! The admin use cases behind `/v1/tenants/...`: each function authorizes the caller
//! (`domain::admin`), does the work in the database, Vault and Redis, and records the audit
//! event. HTTP handlers only parse and map.

pub mod api_clients;
pub mod care_teams;
pub mod members;
pub mod tenants;
