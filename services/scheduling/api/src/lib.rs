//! scheduling's wire contract: the JSON bodies of its `/v1` API, shared with its callers
//! (the gateway). Plain data only: no rules, no I/O. That a person has an appointment is
//! PHI: callers must never log a body.

pub mod appointments;
pub mod paths;
pub mod rooms;
