//! records' rules that need no I/O: validating demographics, normalising a name for the
//! blind index, which relationship a caller needs to a client's chart, what a document is
//! (sniffed), form templates and answers, instrument scores, and what a disclosure package
//! request may ask and a decision permits of it.

pub mod clinical;
pub mod demographics;
pub mod disclosure;
pub mod form_schema;
pub mod instrument;
pub mod name;
pub mod note;
pub mod relationship;
pub mod sniff;
