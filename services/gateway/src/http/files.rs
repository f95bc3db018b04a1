//! Document files, beside GraphQL rather than inside it: `POST /files/clients/{clientId}/documents`
//! uploads one (the raw file as the body, its title and file name in headers) and
//! `GET /files/clients/{clientId}/documents/{documentId}` downloads one.
//!
//! Why not GraphQL: the JSON body of `/graphql` stays at 64 KiB, and base64 inside JSON would
//! add a third to 20 MiB; the GraphQL multipart spec, as async-graphql implements it, spools
//! uploads to temporary files (plaintext PHI on the gateway's disk) and makes `/graphql`
//! accept form posts that a browser sends cross-site without a preflight. These routes take
//! the same way in as `/graphql`: the bearer token verified, the session's revocation read,
//! the request counted against the rate limits (`Gate::admit`), then the permission, and
//! records decides the rest (care team, client) as for every other chart field.
//!
//! No more than 20 MiB of a body is ever kept: a larger `Content-Length` is refused (413)
//! before any byte is kept (the body is read and dropped, up to twice the limit, so the
//! client sees the 413 rather than a reset), a chunked body at the first byte too many. Downloads are attachments the
//! browser neither sniffs, renders nor keeps.

use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_SECURITY_POLICY, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use tp_auth::bearer_token;
use tp_authz::Permission;
use tp_errors::ErrorKind;
use tp_ids::{TenantId, UserId};
use tp_records_api::documents::{FILENAME_HEADER, MAX_DOCUMENT_BYTES, SUD_HEADER, TITLE_HEADER};

use crate::downstream::RawAnswer;
use crate::graphql::context::RequestCtx;
use crate::graphql::error::GqlError;
use crate::graphql::records::documents::Document;
use crate::http::admission::origin;
use crate::http::reply::{refuse, refuse_with};
use crate::state::AppState;

/// Longest title or file name header accepted, percent-encoded.
const MAX_NAME_HEADER: usize = 2048;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/files/clients/{client}/documents", post(upload))
        .route("/files/clients/{client}/documents/{document}", get(download))
}

/// The caller admitted (token, revocation, rate limit) with `permission`, and the practice
/// and client named.
async fn admit(
    state: &AppState,
    parts: &Parts,
    client: &str,
    permission: Permission,
) -> Result<(RequestCtx, TenantId, UserId), Response> {
    let token = bearer_token(&parts.headers)
        .map_err(|_| refuse(GqlError::new(ErrorKind::Unauthenticated, "use `Authorization: Bearer <token>`")))?;
    let cx = state.gate.admit(origin(state, parts, false), Some(token)).await.map_err(refuse)?;
    cx.require(permission).map_err(refuse)?;
    let tenant = cx.tenant().map_err(refuse)?;
    let client = UserId::parse(client).map_err(|_| refuse(GqlError::bad_input("malformed user id")))?;
    Ok((cx, tenant, client))
}

async fn upload(State(state): State<AppState>, Path(client): Path<String>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let (cx, tenant, client) = match admit(&state, &parts, &client, Permission::ClinicalWrite).await {
        Ok(admitted) => admitted,
        Err(refusal) => return refusal,
    };
    let headers = match name_headers(&parts) {
        Ok(headers) => headers,
        Err(err) => return refuse(err),
    };
    let content = match content(&parts, body).await {
        Ok(content) => content,
        Err(refusal) => return refusal,
    };
    match state.records.upload_document(&cx, (tenant, client), &headers, content).await {
        Ok(answer) if answer.status.is_success() => {
            match state.records.0.decode::<tp_records_api::documents::Document>(&answer.body) {
                Ok(document) => (StatusCode::CREATED, Json(Document::from(document))).into_response(),
                Err(err) => refuse(err),
            }
        }
        Ok(answer) => refused_by_records(&state, &answer),
        Err(err) => refuse(err),
    }
}

/// The title (required), file name and SUD flag headers, passed on as they came once they
/// are short visible ASCII; records decodes and checks them.
fn name_headers(parts: &Parts) -> Result<Vec<(&'static str, String)>, GqlError> {
    let mut headers = Vec::new();
    for name in [TITLE_HEADER, FILENAME_HEADER, SUD_HEADER] {
        let Some(value) = parts.headers.get(name) else { continue };
        let value = value.to_str().ok().filter(|v| v.len() <= MAX_NAME_HEADER);
        let value = value.ok_or_else(|| GqlError::bad_input(format!("{name} must be percent-encoded UTF-8")))?;
        headers.push((name, value.to_owned()));
    }
    if !headers.iter().any(|(name, _)| *name == TITLE_HEADER) {
        return Err(GqlError::bad_input(format!("a document needs a title ({TITLE_HEADER}, percent-encoded)")));
    }
    Ok(headers)
}

async fn content(parts: &Parts, body: Body) -> Result<Vec<u8>, Response> {
    let too_large = || {
        let err = GqlError::bad_input(format!("the document exceeds the limit of 20 MiB ({MAX_DOCUMENT_BYTES} bytes)"));
        refuse_with(StatusCode::PAYLOAD_TOO_LARGE, err)
    };
    let declared = parts.headers.get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if let Some(length) = declared.filter(|length| *length > MAX_DOCUMENT_BYTES as u64) {
        discard(body, length).await;
        return Err(too_large());
    }
    axum::body::to_bytes(body, MAX_DOCUMENT_BYTES).await.map(|bytes| bytes.to_vec()).map_err(|_| too_large())
}

/// Reads and drops a refused body that is not much over the limit, so the client reads the
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

/// records' refusal with its kind and message, and its status where it says more than the
/// kind does (413, 415).
fn refused_by_records(state: &AppState, answer: &RawAnswer) -> Response {
    let err = state.records.0.failure(answer.status, &answer.body);
    match answer.status {
        StatusCode::PAYLOAD_TOO_LARGE | StatusCode::UNSUPPORTED_MEDIA_TYPE if err.kind() == ErrorKind::BadUserInput => {
            refuse_with(answer.status, err)
        }
        _ => refuse(err),
    }
}

async fn download(
    State(state): State<AppState>,
    Path((client, document)): Path<(String, String)>,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    let (cx, tenant, client) = match admit(&state, &parts, &client, Permission::ClinicalRead).await {
        Ok(admitted) => admitted,
        Err(refusal) => return refusal,
    };
    let Ok(document) = uuid::Uuid::parse_str(&document) else {
        return refuse(GqlError::bad_input("malformed document id"));
    };
    let answer = match state.records.download_document(&cx, (tenant, client, document)).await {
        Ok(answer) if answer.status.is_success() => answer,
        Ok(answer) => return refused_by_records(&state, &answer),
        Err(err) => return refuse(err),
    };
    let kind = answer.content_type.as_deref().and_then(|v| HeaderValue::from_str(v).ok());
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"document-{document}\""));
    let (Some(kind), Ok(disposition)) = (kind, disposition) else {
        let cause = std::io::Error::other("records answered a document without a usable content type");
        return refuse(GqlError::server(ErrorKind::Unavailable, &cause));
    };
    let headers = [
        (CONTENT_TYPE, kind),
        (CONTENT_DISPOSITION, disposition),
        (X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox")),
    ];
    (headers, answer.body).into_response()
}
