//! The audit domain of the schema: the practice's audit search, and a client's view of who
//! accessed their record.

pub mod query;
pub mod types;
