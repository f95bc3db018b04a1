//! The audit service's read contract: audit events as its `/v1` API returns them, shared with
//! its callers (the gateway). Plain data only.

pub mod events;
pub mod paths;
