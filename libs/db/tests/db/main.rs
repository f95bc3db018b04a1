//! Tenant isolation in the database, proven against the real PostgreSQL of the test profile,
//! connected as the service roles (a superuser would bypass RLS and prove nothing).

#![expect(clippy::unwrap_used, reason = "fixture helpers fail their test loudly, like the tests themselves")]

mod probe;
mod rls;
mod roles;
