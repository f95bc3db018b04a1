//! The chart export (right of access): the formats records renders a client's record in.
//! The export itself is a document (FHIR JSON or an HTML page), not a JSON type of ours.

use serde::{Deserialize, Serialize};

/// `GET …/export?format=…`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// A FHIR R4 Bundle (`application/fhir+json`).
    Fhir,
    /// A readable, print-friendly page (`text/html; charset=utf-8`), self-contained.
    Html,
}

impl ExportFormat {
    /// The query value: `fhir` or `html`.
    pub const fn code(self) -> &'static str {
        match self {
            ExportFormat::Fhir => "fhir",
            ExportFormat::Html => "html",
        }
    }

    /// The media type of the response body.
    pub const fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Fhir => "application/fhir+json",
            ExportFormat::Html => "text/html; charset=utf-8",
        }
    }
}
