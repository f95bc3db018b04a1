//! records' wire contract: the JSON bodies of its `/v1` API, shared with its callers (the
//! gateway). Plain data only: no rules, no I/O. Every field here is PHI in transit: callers
//! must never log these values.

pub mod amendments;
pub mod break_glass;
pub mod chart;
pub mod clinical;
pub mod disclosure;
pub mod documents;
pub mod export;
pub mod forms;
pub mod notes;
pub mod paths;
pub mod psychotherapy;
