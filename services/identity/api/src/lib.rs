//! identity's wire contract: the JSON bodies of its `/v1` API and the events it publishes.
//!
//! identity serialises these and its callers (the gateway, telehealthctl) deserialise the
//! same types, so a renamed field breaks the build rather than a request. Only plain data
//! lives here: no rules, no I/O, nothing from identity's internals.

pub mod account;
pub mod admin;
pub mod events;
pub mod internal;
pub mod paths;
