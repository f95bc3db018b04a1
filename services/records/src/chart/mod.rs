//! The chart operations, each owning its access rule and its audit event: who may, then the
//! data access and its event in one transaction.

pub mod access;
pub mod demographics;
pub mod documents;
pub mod forms;
pub mod notes;
pub mod search;
