//! The runtime every service shares, so that a service crate is only its routes, domain and
//! migrations: connecting to dependencies ([`Deps`]), `/healthz` and `/readyz`, the common
//! HTTP layers (request id, tracing without headers, timeout), binding and graceful shutdown
//! ([`Server`]), and the `serve | migrate` command line of every service binary ([`run`]).
//!
//! Deliberately absent: authentication and authorization (libs/auth, libs/authz) and any
//! domain logic.

mod cli;
mod deps;
mod health;
pub mod html;
mod serve;

pub use cli::{ServiceApp, build, router, run};
pub use deps::{Deps, StartupError};
pub use health::health_router;
pub use serve::{Server, listen, with_common_layers};
pub use tp_config::Settings;

/// Every process that links the shared runtime (the services, their tests and benchmarks)
/// allocates with mimalloc, in its `secure` mode (guard pages, encoded free lists,
/// randomised allocation). glibc's malloc spent about 7 % of the CPU of a note read through
/// the gateway in arena locking and consolidation; see docs/operations.md for the figures.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
