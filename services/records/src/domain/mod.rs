//! records' rules that need no I/O: validating demographics, normalising a name for the
//! blind index, and which relationship a caller needs to a client's chart.

pub mod demographics;
pub mod form_schema;
pub mod instrument;
pub mod name;
pub mod note;
pub mod relationship;
pub mod sniff;
