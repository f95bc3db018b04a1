//! The chart export (right of access) as pure functions: a [`ChartRecord`] (what was read
//! and decrypted) rendered as a FHIR R4 Bundle ([`fhir`]) or a readable HTML page ([`html`]).
//! No I/O here: `chart::export` reads, audits and calls these. A disclosure package's Bundle
//! ([`disclosure`], for `chart::disclosure`) is the same mapping with what a disclosure adds.

pub mod disclosure;
pub mod fhir;
mod fhir_chart;
mod fhir_forms;
pub mod html;
mod html_chart;
mod record;

pub use record::{ChartRecord, Counts, DocumentRecord, FormRecord, MAX_INLINE_DOCUMENT_BYTES, inline_budget};
