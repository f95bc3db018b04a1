//! consent's operations, each owning its access rule and its audit event: who may, then the
//! data access and its event in one transaction.

pub mod access;
pub mod readiness;
pub mod requirements;
pub mod signatures;
pub mod templates;
