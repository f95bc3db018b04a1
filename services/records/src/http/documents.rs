//! `/v1/tenants/{t}/clients/{c}/documents…`: upload (the raw file as the body, title, file
//! name and SUD flag in headers), list, and download.
//!
//! An upload is refused at 20 MiB + 1 byte without buffering it: a `Content-Length` over the
//! limit is refused before any byte is kept (the body is read and dropped, up to twice the
//! limit, so the client sees the 413 rather than a reset), and a body without one (chunked)
//! is read through a limit that stops at the first byte too many. The body is read directly, not
//! through an extractor, so axum's default body limit (2 MB) does not apply to this route and
//! no other route's limit is raised.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use tp_ids::{TenantId, UserId};
use tp_records_api::documents::{
    Document, DocumentList, FILENAME_HEADER, MAX_DOCUMENT_BYTES, SUD_HEADER, TITLE_HEADER,
};
use uuid::Uuid;

use super::caller::ApiCaller;
use crate::chart::documents::{self, Upload};
use crate::error::Error;
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/tenants/{tenant}/clients/{client}/documents", get(list).post(upload))
        .route("/v1/tenants/{tenant}/clients/{client}/documents/{document}/content", get(download))
}

fn ids(tenant: &str, client: &str) -> Result<(TenantId, UserId), Error> {
    let tenant = TenantId::parse(tenant).map_err(|_| Error::NotFound)?;
    Ok((tenant, UserId::parse(client).map_err(|_| Error::NotFound)?))
}

/// A percent-encoded UTF-8 header value; `None` when absent.
fn text_header(headers: &HeaderMap, name: &str, field: &'static str) -> Result<Option<String>, Error> {
    let Some(value) = headers.get(name) else { return Ok(None) };
    let value = value.to_str().map_err(|_| Error::invalid(field, "must be percent-encoded UTF-8"))?;
    let decoded = percent_encoding::percent_decode_str(value)
        .decode_utf8()
        .map_err(|_| Error::invalid(field, "must be percent-encoded UTF-8"))?;
    Ok(Some(decoded.into_owned()))
}

/// The SUD flag header: `true` or `false`, absent false; anything else is refused, naming the
/// header (a misspelt flag must not silently store a Part 2 record as an ordinary one).
fn sud_header(headers: &HeaderMap) -> Result<bool, Error> {
    match headers.get(SUD_HEADER).map(HeaderValue::as_bytes) {
        None | Some(b"false") => Ok(false),
        Some(b"true") => Ok(true),
        Some(_) => Err(Error::invalid(SUD_HEADER, "must be true or false")),
    }
}

/// The body, never more than the limit of it.
async fn content(headers: &HeaderMap, body: Body) -> Result<Vec<u8>, Error> {
    let declared = headers.get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if let Some(length) = declared.filter(|length| *length > MAX_DOCUMENT_BYTES as u64) {
        discard(body, length).await;
        return Err(Error::TooLarge);
    }
    // A failure here is the limit or a broken connection; either way nothing is stored, and
    // the limit is by far the likelier.
    let bytes = axum::body::to_bytes(body, MAX_DOCUMENT_BYTES).await.map_err(|_| Error::TooLarge)?;
    Ok(bytes.to_vec())
}

/// Reads and drops a refused body that is not much over the limit, so the client reads our
/// 413 instead of a connection reset mid-upload; nothing is kept. A body declared far larger
/// is not read at all: the connection is closed after the answer.
async fn discard(body: Body, declared: u64) {
    use http_body_util::BodyExt as _;
    if declared > 2 * MAX_DOCUMENT_BYTES as u64 {
        return;
    }
    let mut body = body;
    let mut seen: u64 = 0;
    while let Some(Ok(frame)) = body.frame().await {
        seen += frame.data_ref().map_or(0, |data| data.len() as u64);
        if seen > declared {
            return;
        }
    }
}

async fn upload(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Document>), Error> {
    let (tenant, client) = ids(&tenant, &client)?;
    let content = content(&headers, body).await?;
    let title = text_header(&headers, TITLE_HEADER, "title")?.unwrap_or_default();
    let filename = text_header(&headers, FILENAME_HEADER, "filename")?;
    let upload = Upload { title, filename, sud: sud_header(&headers)?, content };
    Ok((StatusCode::CREATED, Json(documents::upload(&state, &caller.caller(), tenant, client, upload).await?)))
}

async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client)): Path<(String, String)>,
) -> Result<Json<DocumentList>, Error> {
    let (tenant, client) = ids(&tenant, &client)?;
    Ok(Json(documents::list(&state, &caller.caller(), tenant, client).await?))
}

/// The content with its sniffed type, as an attachment that browsers neither sniff nor keep.
async fn download(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((tenant, client, document)): Path<(String, String, String)>,
) -> Result<Response, Error> {
    let (tenant, client) = ids(&tenant, &client)?;
    let document = Uuid::parse_str(&document).map_err(|_| Error::NotFound)?;
    let download = documents::download(&state, &caller.caller(), tenant, (client, document)).await?;
    let media = download.document.media_type;
    let disposition = format!("attachment; filename=\"document-{}.{}\"", download.document.id, media.extension());
    let headers = [
        (CONTENT_TYPE, HeaderValue::from_static(media.as_str())),
        (CONTENT_DISPOSITION, HeaderValue::from_str(&disposition).map_err(|e| Error::Internal(e.into()))?),
        (X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (CACHE_CONTROL, HeaderValue::from_static("no-store")),
    ];
    Ok((headers, download.content.to_vec()).into_response())
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn length(n: usize) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_LENGTH, HeaderValue::from(n));
        headers
    }

    #[tokio::test]
    async fn a_body_without_a_length_is_cut_off_at_the_first_byte_over_the_limit() {
        // No Content-Length (as with a chunked upload): only the limit on reading stops it.
        let exact = content(&HeaderMap::new(), Body::from(vec![b'a'; MAX_DOCUMENT_BYTES])).await;
        assert_eq!(exact.map(|c| c.len()).ok(), Some(MAX_DOCUMENT_BYTES));
        let over = content(&HeaderMap::new(), Body::from(vec![b'a'; MAX_DOCUMENT_BYTES + 1])).await;
        assert!(matches!(over, Err(Error::TooLarge)));
    }

    #[tokio::test]
    async fn a_declared_length_over_the_limit_is_refused_whatever_the_body() {
        let refused = content(&length(MAX_DOCUMENT_BYTES + 1), Body::from(vec![b'a'; 10])).await;
        assert!(matches!(refused, Err(Error::TooLarge)));
        let far_over = content(&length(usize::MAX), Body::empty()).await;
        assert!(matches!(far_over, Err(Error::TooLarge)));
    }

    #[test]
    fn the_sud_header_is_true_or_false_and_absent_is_false() {
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(SUD_HEADER, HeaderValue::from_static(value));
            sud_header(&headers)
        };
        assert!(matches!(with("true"), Ok(true)));
        assert!(matches!(with("false"), Ok(false)));
        assert!(matches!(sud_header(&HeaderMap::new()), Ok(false)));
        for refused in ["TRUE", "1", "yes", ""] {
            assert!(matches!(with(refused), Err(Error::Invalid { field: SUD_HEADER, .. })), "{refused:?}");
        }
    }

    #[test]
    fn names_are_percent_decoded_utf8() {
        let mut headers = HeaderMap::new();
        headers.insert(TITLE_HEADER, HeaderValue::from_static("Caf%C3%A9%20notes"));
        headers.insert(FILENAME_HEADER, HeaderValue::from_static("%FF"));
        assert_eq!(text_header(&headers, TITLE_HEADER, "title").ok().flatten().as_deref(), Some("Café notes"));
        assert!(text_header(&headers, FILENAME_HEADER, "filename").is_err());
        assert_eq!(text_header(&HeaderMap::new(), FILENAME_HEADER, "filename").ok(), Some(None));
    }
}
