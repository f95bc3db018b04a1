//! Who may do what: the one role -> permission table of the platform.
//!
//! The gateway checks it in its GraphQL guards and every service checks it again on the
//! request it receives (the gateway forwards the caller's token; nothing trusts a hop).
//! Relationship rules that need data, such as "on this client's care team", belong to the
//! owning service; this crate only answers what a role may ever do, and binds the answer to
//! the caller's own tenant. It deliberately has no I/O.

mod permission;
mod table;

pub use permission::Permission;
pub use table::{Denied, allows, authorize, granted};
