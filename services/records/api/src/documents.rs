//! Documents of a client's chart as records serves them: metadata as JSON, content as bytes.
//!
//! An upload is the raw file as the request body (no JSON, no base64) with its title and
//! original file name in headers, percent-encoded UTF-8. The media type is sniffed from the
//! content by records; whatever the uploader declares is ignored.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tp_ids::UserId;
use uuid::Uuid;

/// The largest document accepted, in bytes: exactly 20 MiB.
pub const MAX_DOCUMENT_BYTES: usize = 20 * 1024 * 1024;

/// Header with the document's title (required, 1-200 characters), percent-encoded UTF-8.
pub const TITLE_HEADER: &str = "x-document-title";
/// Header with the uploader's file name (optional, up to 255 characters), percent-encoded
/// UTF-8. Kept (encrypted) for the people who read the chart; never used to decide the type.
pub const FILENAME_HEADER: &str = "x-document-filename";

/// Header flagging the document as a substance use disorder record under 42 CFR Part 2
/// (optional, `true` or `false`; absent: false): disclosed only under a Part 2 consent as
/// well as the `documents` category.
pub const SUD_HEADER: &str = "x-document-sud";

/// The media types records accepts, as sniffed from the first bytes of the content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MediaType {
    #[serde(rename = "application/pdf")]
    Pdf,
    #[serde(rename = "image/png")]
    Png,
    #[serde(rename = "image/jpeg")]
    Jpeg,
    /// UTF-8 text that does not look like markup.
    #[serde(rename = "text/plain")]
    Text,
}

impl MediaType {
    /// The `Content-Type` a download is served with.
    pub const fn as_str(self) -> &'static str {
        match self {
            MediaType::Pdf => "application/pdf",
            MediaType::Png => "image/png",
            MediaType::Jpeg => "image/jpeg",
            MediaType::Text => "text/plain; charset=utf-8",
        }
    }

    /// The file extension a download is named with.
    pub const fn extension(self) -> &'static str {
        match self {
            MediaType::Pdf => "pdf",
            MediaType::Png => "png",
            MediaType::Jpeg => "jpg",
            MediaType::Text => "txt",
        }
    }
}

/// One document's metadata. `sha256` is the hex SHA-256 of the content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub id: Uuid,
    pub client_id: UserId,
    pub title: String,
    pub filename: Option<String>,
    pub media_type: MediaType,
    pub size_bytes: u64,
    pub sha256: String,
    /// Flagged as a substance use disorder record (42 CFR Part 2).
    pub sud: bool,
    pub uploaded_by: UserId,
    pub uploaded_at: DateTime<Utc>,
}

/// `GET …/documents`: the client's documents, oldest first, without their content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentList {
    pub documents: Vec<Document>,
}
