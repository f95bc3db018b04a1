//! The public page where a provider outside the platform downloads records a client approved
//! for them: `GET /shared-records/{practice}/{request}?token=…` (the link emailed to them)
//! answers a small form asking for the one-time code the practice gave them by phone, and its
//! `POST` (form fields `token` and `code`) answers the FHIR Bundle as a download, or a plain
//! page with consent's words and status (404 unknown link, 410 lapsed or used, 403 wrong code
//! or consent revoked, 423 locked).
//!
//! No sign-in: the token and the code are the credentials, checked by consent (which counts
//! wrong codes and locks the link). Every request is counted against the client's address
//! like any anonymous API request (`Gate::admit`). The pages hold no PHI (no practice, no
//! client, nothing of the records), run no script, are never cached, framed or sent as a
//! referrer, and post only to themselves.

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Path, Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY, RETRY_AFTER,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tp_consent_api::transfers::SharedRecordsUnlock;
use tp_errors::ErrorKind;
use tp_ids::TenantId;
use uuid::Uuid;

use tp_server::html::escape;

use crate::graphql::context::RequestCtx;
use crate::graphql::error::GqlError;
use crate::http::admission::origin;
use crate::state::AppState;

/// No script, no outside resource, forms only to this origin, never framed.
const PAGE_CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
/// A form post holds two short fields.
const MAX_FORM_BYTES: usize = 4 * 1024;
/// Longest token or code passed on (a token is 43 characters, a code 8).
const MAX_FIELD: usize = 128;

pub fn router() -> Router<AppState> {
    Router::new().route("/shared-records/{tenant}/{request}", get(form).post(download))
}

/// The practice and request of the path, or `None` for a link that cannot be one.
fn link(tenant: &str, request: &str) -> Option<(TenantId, Uuid)> {
    Some((TenantId::parse(tenant).ok()?, Uuid::parse_str(request).ok()?))
}

/// Counts the request against the client's address; a refusal is a page.
async fn admit(state: &AppState, parts: &axum::http::request::Parts) -> Result<RequestCtx, Response> {
    state.gate.admit(origin(state, parts, false), None).await.map_err(refused)
}

async fn form(
    State(state): State<AppState>,
    Path((tenant, request)): Path<(String, String)>,
    req: Request,
) -> Response {
    let (parts, _) = req.into_parts();
    if let Err(refusal) = admit(&state, &parts).await {
        return refusal;
    }
    let token = parts.uri.query().and_then(|query| field(query.as_bytes(), "token"));
    let (Some((_, request)), Some(token)) = (link(&tenant, &request), token) else {
        return page(StatusCode::NOT_FOUND, "This link is not valid", "not found");
    };
    let body = format!(
        "<p>Records were shared with you. Enter the 8-digit one-time code the practice gave you by phone; \
         the records download once, as a FHIR file.</p>\
         <form method=\"post\" action=\"{request}\">\
         <input type=\"hidden\" name=\"token\" value=\"{token}\">\
         <label for=\"code\">One-time code</label> \
         <input id=\"code\" name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" \
         pattern=\"[0-9]{{8}}\" maxlength=\"8\" required> \
         <button type=\"submit\">Download the records</button></form>\
         <p>Five wrong codes lock the link.</p>",
        token = escape(&token),
    );
    html(StatusCode::OK, "Shared records", &body)
}

async fn download(
    State(state): State<AppState>,
    Path((tenant, request)): Path<(String, String)>,
    req: Request,
) -> Response {
    let (parts, body) = req.into_parts();
    let cx = match admit(&state, &parts).await {
        Ok(cx) => cx,
        Err(refusal) => return refusal,
    };
    let Some(key) = link(&tenant, &request) else {
        return page(StatusCode::NOT_FOUND, "This link is not valid", "not found");
    };
    let Some(unlock) = unlock_form(body).await else {
        return page(StatusCode::BAD_REQUEST, "Enter the code", "the form needs the link's token and a code");
    };
    let answer = match state.consent.shared_records(&cx, key, &unlock).await {
        Ok(answer) => answer,
        Err(err) => return refused(err),
    };
    if answer.status.is_success() {
        return attachment(key.1, answer.body);
    }
    match state.consent.0.failure(answer.status, &answer.body) {
        err if err.kind().is_server_side() => refused(err),
        err => page(answer.status, title(answer.status), &err.to_string()),
    }
}

/// The token and code of a posted form, bounded in size.
async fn unlock_form(body: Body) -> Option<SharedRecordsUnlock> {
    let bytes = to_bytes(body, MAX_FORM_BYTES).await.ok()?;
    Some(SharedRecordsUnlock { token: field(&bytes, "token")?, code: field(&bytes, "code")? })
}

/// One field of a URL-encoded form or query, when present and short.
fn field(encoded: &[u8], name: &str) -> Option<String> {
    url::form_urlencoded::parse(encoded)
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.trim().to_owned())
        .filter(|value| !value.is_empty() && value.len() <= MAX_FIELD)
}

fn title(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "This link is not valid",
        StatusCode::GONE => "This link has expired",
        StatusCode::LOCKED => "This link is locked",
        _ => "The records cannot be downloaded",
    }
}

/// The bundle as a file the browser saves, neither renders nor keeps.
fn attachment(request: Uuid, bundle: Vec<u8>) -> Response {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"records-{request}.json\""));
    let Ok(disposition) = disposition else {
        return page(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong", "try again shortly");
    };
    let headers = [
        (CONTENT_TYPE, HeaderValue::from_static("application/fhir+json")),
        (CONTENT_DISPOSITION, disposition),
        (X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox")),
        (REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
    ];
    (headers, bundle).into_response()
}

/// A refusal before consent answered (rate limit, a service down) as a page.
fn refused(err: GqlError) -> Response {
    let (status, title, detail) = match err.kind() {
        ErrorKind::RateLimited => {
            (StatusCode::TOO_MANY_REQUESTS, "Too many attempts", "too many requests from your address: wait a minute")
        }
        _ => (StatusCode::SERVICE_UNAVAILABLE, "Try again shortly", "the records cannot be reached right now"),
    };
    let mut response = page(status, title, detail);
    if let Some(value) = err.retry_after_secs().and_then(|secs| HeaderValue::from_str(&secs.to_string()).ok()) {
        response.headers_mut().insert(RETRY_AFTER, value);
    }
    response
}

fn page(status: StatusCode, title: &str, detail: &str) -> Response {
    html(status, title, &format!("<p>{}.</p>", escape(detail)))
}

fn html(status: StatusCode, title: &str, body: &str) -> Response {
    let document = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"referrer\" content=\"no-referrer\"><title>{title}</title>\
         <style>body{{font-family:sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5}}\
         input,button{{font-size:1rem;padding:.4rem}}</style></head>\
         <body><main><h1>{title}</h1>{body}</main></body></html>",
        title = escape(title),
    );
    let headers = [
        (CONTENT_TYPE, "text/html; charset=utf-8"),
        (CACHE_CONTROL, "no-store"),
        (CONTENT_SECURITY_POLICY, PAGE_CSP),
        (REFERRER_POLICY, "no-referrer"),
        (X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (X_FRAME_OPTIONS, "DENY"),
    ];
    (status, headers, document).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_decoded_trimmed_and_bounded() {
        assert_eq!(field(b"token=a%2Bb&code=+0123+4567", "code").as_deref(), Some("0123 4567"));
        assert_eq!(field(b"token=a%2Bb", "token").as_deref(), Some("a+b"));
        assert_eq!(field(b"code=", "code"), None);
        assert_eq!(field(format!("code={}", "9".repeat(200)).as_bytes(), "code"), None);
        assert!(link("not-a-uuid", "x").is_none());
    }
}
