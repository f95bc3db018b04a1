//! The chart operations, each owning its access rule and its audit event: who may, then the
//! data access and its event in one transaction.

pub mod access;
pub mod amendments;
pub mod break_glass;
pub mod demographics;
pub mod diagnoses;
pub mod disclosure;
pub mod documents;
pub mod export;
pub mod forms;
mod items;
pub mod medications;
pub mod notes;
pub mod psychotherapy;
pub mod search;
pub mod treatment_plan;
