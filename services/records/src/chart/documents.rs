//! Documents of a client's chart: upload (the care team's clinicians), list and download
//! (the care team, and the client their own). Each is admitted by `admit_clinical` and its
//! row work and audit event share one `TenantTx` (fail closed).
//!
//! The type is sniffed from the content (`domain::sniff`); the declared file name is kept,
//! encrypted, for people to read and never trusted. Content and metadata are sealed under
//! the practice's key, bound to the document and its client (the client id is part of the
//! bound column name), so a ciphertext moved to another document or client does not decrypt.
//! Content is sealed as one AES-GCM envelope with the practice's current data key, like every
//! other field: `tp_crypto` has no separate large-object scheme, and 20 MiB is well within
//! what one envelope carries.
//!
//! Clients do not upload: the role table gives `ClinicalWrite` to clinicians only, and a
//! client's own files reach the practice through messaging. Not here: deleting documents.

use anyhow::anyhow;
use serde::{Deserialize, Serialize};
use sha2::Digest as _;
use tp_audit_log::action::records::{DOCUMENT_DOWNLOADED, DOCUMENT_UPLOADED, DOCUMENTS_LISTED};
use tp_authz::Permission;
use tp_crypto::FieldContext;
use tp_db::TenantTx;
use tp_ids::{TenantId, UserId};
use tp_records_api::documents::{Document, DocumentList, MAX_DOCUMENT_BYTES, MediaType};
use uuid::Uuid;

use crate::audit::{Caller, record};
use crate::chart::access::admit_clinical;
use crate::db::documents::{self as rows, DocumentRow, NewDocument};
use crate::domain::sniff::sniff;
use crate::error::Error;
use crate::state::AppState;

const TABLE: &str = "records.documents";

/// An upload as received: the title and file name already percent-decoded.
pub struct Upload {
    pub title: String,
    pub filename: Option<String>,
    /// Flagged as a substance use disorder record (42 CFR Part 2).
    pub sud: bool,
    pub content: Vec<u8>,
}

/// What is sealed in `meta`. The SUD flag is here, never a column: even "this client has a
/// flagged document" is Part 2-protected. Metadata sealed before the flag existed opens as
/// not flagged.
#[derive(Serialize, Deserialize)]
struct Meta {
    title: String,
    filename: Option<String>,
    sha256: String,
    #[serde(default)]
    sud: bool,
}

/// A downloaded document: its metadata and content.
pub struct Download {
    pub document: Document,
    pub content: zeroize::Zeroizing<Vec<u8>>,
}

struct Seal<'a> {
    state: &'a AppState,
    tenant: TenantId,
    client: UserId,
    document: Uuid,
}

impl Seal<'_> {
    fn column(&self, column: &str) -> String {
        format!("{column}:{}", self.client)
    }

    async fn seal(&self, column: &str, plaintext: &[u8]) -> Result<Vec<u8>, Error> {
        let column = self.column(column);
        let field = FieldContext::new(TABLE, &column, self.document);
        Ok(self.state.keyring.encrypt(&self.tenant, &field, plaintext).await?)
    }

    async fn open(&self, column: &str, ciphertext: &[u8]) -> Result<zeroize::Zeroizing<Vec<u8>>, Error> {
        let column = self.column(column);
        let field = FieldContext::new(TABLE, &column, self.document);
        Ok(self.state.keyring.decrypt(&self.tenant, &field, ciphertext).await?)
    }

    async fn open_meta(&self, ciphertext: &[u8]) -> Result<Meta, Error> {
        let json = self.open("meta", ciphertext).await?;
        serde_json::from_slice(&json).map_err(|_| Error::Internal(anyhow!("document meta is not metadata")))
    }
}

fn check_text(value: &str, field: &'static str, max: usize, reason: &'static str) -> Result<String, Error> {
    let value = value.trim();
    let control = value.chars().any(char::is_control);
    if value.is_empty() || value.chars().count() > max || control {
        return Err(Error::invalid(field, reason));
    }
    Ok(value.to_owned())
}

#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn upload(
    state: &AppState,
    caller: &Caller<'_>,
    tenant: TenantId,
    client: UserId,
    upload: Upload,
) -> Result<Document, Error> {
    let reach = admit_clinical(state, caller, tenant, client, Permission::ClinicalWrite, DOCUMENT_UPLOADED).await?;
    let title = check_text(&upload.title, "title", 200, "must be 1 to 200 characters, no control characters")?;
    let filename = match upload.filename.as_deref() {
        Some(name) => Some(check_text(name, "filename", 255, "must be 1 to 255 characters, no control characters")?),
        None => None,
    };
    if upload.content.len() > MAX_DOCUMENT_BYTES {
        return Err(Error::TooLarge);
    }
    if upload.content.is_empty() {
        return Err(Error::invalid("content", "the document is empty"));
    }
    let media_type = sniff(&upload.content).ok_or(Error::UnsupportedMediaType)?;
    let meta = Meta { title, filename, sha256: hex(&sha2::Sha256::digest(&upload.content)), sud: upload.sud };
    let id = Uuid::now_v7();
    let seal = Seal { state, tenant, client, document: id };
    let meta_json = serde_json::to_vec(&meta).map_err(|e| Error::Internal(e.into()))?;
    let new = NewDocument {
        id,
        client,
        meta: seal.seal("meta", &meta_json).await?,
        content: seal.seal("content", &upload.content).await?,
        media_type: media_code(media_type),
        size_bytes: i64::try_from(upload.content.len()).map_err(|e| Error::Internal(e.into()))?,
        uploaded_by: reach.user(),
    };
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let row = rows::insert(&tx, new).await?;
    record(&*tx, &reach.event(caller, DOCUMENT_UPLOADED, tenant, client).detail("document_id", id.to_string())).await?;
    tx.commit().await?;
    wire(row, meta)
}

/// The client's documents (metadata only), oldest first; one audit event for the list.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn list(
    state: &AppState,
    caller: &Caller<'_>,
    tenant: TenantId,
    client: UserId,
) -> Result<DocumentList, Error> {
    let reach = admit_clinical(state, caller, tenant, client, Permission::ClinicalRead, DOCUMENTS_LISTED).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let documents = listed(state, &tx, client).await?;
    let event = reach.event(caller, DOCUMENTS_LISTED, tenant, client).detail("documents", documents.len().to_string());
    record(&*tx, &event).await?;
    tx.commit().await?;
    Ok(DocumentList { documents })
}

/// One document with its content; the download is audited.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn download(
    state: &AppState,
    caller: &Caller<'_>,
    tenant: TenantId,
    (client, document): (UserId, Uuid),
) -> Result<Download, Error> {
    let reach = admit_clinical(state, caller, tenant, client, Permission::ClinicalRead, DOCUMENT_DOWNLOADED).await?;
    let tx = TenantTx::begin(&state.db, tenant).await?;
    let download = with_content(state, &tx, client, document).await?;
    let event = reach.event(caller, DOCUMENT_DOWNLOADED, tenant, client).detail("document_id", document.to_string());
    record(&*tx, &event).await?;
    tx.commit().await?;
    Ok(download)
}

/// The client's documents (metadata only), oldest first, read in the caller's transaction
/// (which has admitted and audits the access: `list` and the chart export).
pub(crate) async fn listed(state: &AppState, tx: &TenantTx, client: UserId) -> Result<Vec<Document>, Error> {
    let tenant = tx.tenant();
    let mut documents = Vec::new();
    for row in rows::list(tx, client).await? {
        let meta = Seal { state, tenant, client, document: row.id }.open_meta(&row.meta).await?;
        documents.push(wire(row, meta)?);
    }
    Ok(documents)
}

/// Document `document` of the client with its content, decrypted, read in the caller's
/// transaction (`download` and the chart export); NOT_FOUND when the client has no such one.
pub(crate) async fn with_content(
    state: &AppState,
    tx: &TenantTx,
    client: UserId,
    document: Uuid,
) -> Result<Download, Error> {
    let (row, sealed) = rows::get_with_content(tx, client, document).await?.ok_or(Error::NotFound)?;
    let seal = Seal { state, tenant: tx.tenant(), client, document };
    let meta = seal.open_meta(&row.meta).await?;
    let content = seal.open("content", &sealed).await?;
    Ok(Download { document: wire(row, meta)?, content })
}

const fn media_code(media_type: MediaType) -> &'static str {
    match media_type {
        MediaType::Pdf => "application/pdf",
        MediaType::Png => "image/png",
        MediaType::Jpeg => "image/jpeg",
        MediaType::Text => "text/plain",
    }
}

fn media_type(code: &str) -> Result<MediaType, Error> {
    [MediaType::Pdf, MediaType::Png, MediaType::Jpeg, MediaType::Text]
        .into_iter()
        .find(|m| media_code(*m) == code)
        .ok_or_else(|| Error::Internal(anyhow!("unknown media type")))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn wire(row: DocumentRow, meta: Meta) -> Result<Document, Error> {
    Ok(Document {
        sud: meta.sud,
        id: row.id,
        client_id: row.client,
        title: meta.title,
        filename: meta.filename,
        media_type: media_type(&row.media_type)?,
        size_bytes: u64::try_from(row.size_bytes).map_err(|e| Error::Internal(e.into()))?,
        sha256: meta.sha256,
        uploaded_by: row.uploaded_by,
        uploaded_at: row.uploaded_at,
    })
}
