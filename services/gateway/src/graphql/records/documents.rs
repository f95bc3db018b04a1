//! Documents in the schema: their metadata as `Client.documents`. Content goes through the
//! file routes (`POST` and `GET /files/clients/{clientId}/documents…`, see `http::files`),
//! never through GraphQL's JSON body; `downloadUrl` points there. Titles and file names are
//! PHI: never logged.

use async_graphql::{ID, SimpleObject};
use chrono::{DateTime, Utc};
use serde::Serialize;
use tp_records_api::documents;

/// A document of a client's chart. `mediaType` was sniffed from the content when it was
/// uploaded, never taken from the uploader.
#[derive(SimpleObject, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    pub id: ID,
    pub client_id: ID,
    pub title: String,
    /// The uploader's file name, kept for people; it decided nothing.
    pub filename: Option<String>,
    pub media_type: String,
    pub size_bytes: u64,
    /// Hex SHA-256 of the content.
    pub sha256: String,
    /// Flagged as a substance use disorder record (42 CFR Part 2).
    pub sud: bool,
    pub uploaded_by: ID,
    pub uploaded_at: DateTime<Utc>,
    /// Where the content is downloaded, with the same bearer token.
    pub download_url: String,
}

/// The gateway path of a document's content.
pub fn download_path(client: &str, document: &str) -> String {
    format!("/files/clients/{client}/documents/{document}")
}

impl From<documents::Document> for Document {
    fn from(d: documents::Document) -> Self {
        let (client, id) = (d.client_id.to_string(), d.id.to_string());
        Self {
            download_url: download_path(&client, &id),
            id: ID(id),
            client_id: ID(client),
            title: d.title,
            filename: d.filename,
            media_type: d.media_type.as_str().split(';').next().unwrap_or_default().to_owned(),
            size_bytes: d.size_bytes,
            sha256: d.sha256,
            sud: d.sud,
            uploaded_by: ID(d.uploaded_by.to_string()),
            uploaded_at: d.uploaded_at,
        }
    }
}
