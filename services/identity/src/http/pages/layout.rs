//! The shared HTML layout of identity's server-rendered pages (account links, sign-in):
//! one document shell, HTML escaping, small form helpers, and the response headers every
//! page needs.
//!
//! Pages are built from strings: every dynamic value goes through [`escape`] (or a helper
//! that calls it), static markup does not. No template engine: a handful of small pages do
//! not justify one, and the escaping rule is easy to review in one place.
//!
//! Headers: `no-store` (pages carry one-time tokens and CSRF tokens), `Referrer-Policy:
//! no-referrer` (a link's token must not leak to another site through `Referer`), framing
//! refused (clickjacking), and a CSP that allows no script at all. `form-action` is not
//! restricted: browsers apply it to the redirect after a sign-in form is posted, which must
//! be able to go to a client's redirect URI.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

const CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'";

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;\
color:#1a1a1a}label{display:block;margin-top:1rem}input[type=password],input[type=email],input[type=text]\
{width:100%;padding:.5rem;box-sizing:border-box}button{margin-top:1.5rem;padding:.6rem 1.2rem}\
.error{color:#a00000}";

/// Escapes text for HTML element content and quoted attribute values (the one escape every
/// page uses).
pub(crate) use tp_server::html::escape;

/// A whole page. `body` is trusted markup built with [`escape`]; `title` is escaped here.
pub(crate) fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · Telehealth</title><style>{STYLE}</style></head>\
         <body><main><h1>{title}</h1>{body}</main></body></html>",
        title = escape(title),
    );
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    response
}

/// A page with a title and one paragraph of (escaped) text.
pub(crate) fn message_page(status: StatusCode, title: &str, text: &str) -> Response {
    page(status, title, &paragraph(text))
}

pub(crate) fn paragraph(text: &str) -> String {
    format!("<p>{}</p>", escape(text))
}

/// An error line above a form, or nothing.
pub(crate) fn error_line(error: Option<&str>) -> String {
    error.map(|text| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(text))).unwrap_or_default()
}

pub(crate) fn hidden(name: &str, value: &str) -> String {
    format!("<input type=\"hidden\" name=\"{}\" value=\"{}\">", escape(name), escape(value))
}

/// A labelled input; `kind` is `password`, `email` or `text`.
pub(crate) fn input(kind: &str, name: &str, label: &str, autocomplete: &str) -> String {
    format!(
        "<label for=\"{name}\">{label}</label><input type=\"{kind}\" id=\"{name}\" name=\"{name}\" \
         autocomplete=\"{autocomplete}\" required>",
        kind = escape(kind),
        name = escape(name),
        label = escape(label),
        autocomplete = escape(autocomplete),
    )
}

/// A POST form to `action` (a path of ours) with `fields` (trusted markup) and a button.
pub(crate) fn form(action: &str, fields: &str, button: &str) -> String {
    format!(
        "<form method=\"post\" action=\"{}\">{fields}<button type=\"submit\">{}</button></form>",
        escape(action),
        escape(button)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
        assert!(!hidden("n", "\"><script>").contains("<script>"));
    }

    #[test]
    fn pages_carry_the_protective_headers() {
        let response = message_page(StatusCode::OK, "<Title>", "text");
        let headers = response.headers();
        assert_eq!(headers[header::REFERRER_POLICY], "no-referrer");
        assert_eq!(headers[header::CACHE_CONTROL], "no-store");
        assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
        assert!(headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap().contains("default-src 'none'"));
    }
}
