//! CSRF protection for server-rendered forms: the double-submit cookie pattern.
//!
//! A page with a form calls [`issue`], which sets the `tp_csrf` cookie (HttpOnly,
//! SameSite=Strict, Secure outside dev/test, path `/`) and returns the same token for a
//! hidden `csrf` field ([`FIELD`]). The POST handler calls [`verify`] before anything else:
//! the field must equal the cookie (constant-time). Another site can make a browser submit a
//! form to us, but it can neither read nor set our cookie, so it cannot produce the pair;
//! SameSite=Strict keeps the cookie off cross-site requests altogether.
//!
//! The token is reused while the cookie exists, so two tabs with forms both work. It is not
//! bound to a session (the account pages have none); pages behind a session may rotate it at
//! sign-in by calling [`rotate`].

use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use subtle::ConstantTimeEq as _;

use crate::http::pages::layout;

pub(crate) const COOKIE: &str = "tp_csrf";
/// Name of the hidden form field.
pub(crate) const FIELD: &str = "csrf";
const TOKEN_LEN: usize = 43;

/// The token to embed in the form.
pub(crate) struct CsrfToken(String);

impl CsrfToken {
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// `<input type="hidden" name="csrf" value="…">`.
    pub(crate) fn hidden_field(&self) -> String {
        layout::hidden(FIELD, self.as_str())
    }
}

fn well_formed(value: &str) -> bool {
    value.len() == TOKEN_LEN && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn cookie(value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((COOKIE, value)).path("/").http_only(true).secure(secure).same_site(SameSite::Strict).build()
}

/// The token for a form, reusing the cookie's when it has one; the jar sets the cookie.
pub(crate) fn issue(jar: CookieJar, secure: bool) -> (CookieJar, CsrfToken) {
    match jar.get(COOKIE).map(|c| c.value().to_owned()).filter(|value| well_formed(value)) {
        Some(value) => (jar.add(cookie(value.clone(), secure)), CsrfToken(value)),
        None => rotate(jar, secure),
    }
}

/// A fresh token (e.g. at sign-in, so a token planted before it is worthless after).
pub(crate) fn rotate(jar: CookieJar, secure: bool) -> (CookieJar, CsrfToken) {
    let value = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
    (jar.add(cookie(value.clone(), secure)), CsrfToken(value))
}

/// The submitted form field does not match the cookie (or either is missing).
#[derive(Debug)]
pub(crate) struct CsrfRejected;

impl IntoResponse for CsrfRejected {
    fn into_response(self) -> Response {
        layout::message_page(
            axum::http::StatusCode::FORBIDDEN,
            "Please try again",
            "This form has expired or was sent from somewhere else. Go back, reload the page and try again.",
        )
    }
}

/// Checks the submitted `field` against the cookie, in constant time.
pub(crate) fn verify(jar: &CookieJar, field: &str) -> Result<(), CsrfRejected> {
    let cookie = jar.get(COOKIE).map(|c| c.value()).unwrap_or_default();
    let matches = well_formed(cookie) && well_formed(field) && bool::from(cookie.as_bytes().ct_eq(field.as_bytes()));
    if matches { Ok(()) } else { Err(CsrfRejected) }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderMap;

    use super::*;

    fn jar_with(value: &str) -> CookieJar {
        let mut headers = HeaderMap::new();
        headers.insert(axum::http::header::COOKIE, format!("{COOKIE}={value}").parse().unwrap());
        CookieJar::from_headers(&headers)
    }

    #[test]
    fn the_issued_token_verifies_and_others_do_not() {
        let (jar, token) = issue(CookieJar::new(), true);
        assert!(verify(&jar, token.as_str()).is_ok());
        let (_, other) = rotate(CookieJar::new(), true);
        assert!(verify(&jar, other.as_str()).is_err());
        assert!(verify(&jar, "").is_err());
        assert!(verify(&CookieJar::new(), token.as_str()).is_err());
    }

    #[test]
    fn an_existing_cookie_is_reused_and_a_malformed_one_replaced() {
        let (_, token) = rotate(CookieJar::new(), false);
        let (_, reused) = issue(jar_with(token.as_str()), false);
        assert_eq!(reused.as_str(), token.as_str());
        let (_, fresh) = issue(jar_with("short"), false);
        assert_ne!(fresh.as_str(), "short");
        assert!(verify(&jar_with("short"), "short").is_err(), "malformed pairs never verify");
    }

    #[test]
    fn the_cookie_is_http_only_strict_and_secure_when_asked() {
        let (jar, _) = issue(CookieJar::new(), true);
        let cookie = jar.get(COOKIE).unwrap();
        assert_eq!(cookie.http_only(), Some(true));
        assert_eq!(cookie.same_site(), Some(SameSite::Strict));
        assert_eq!(cookie.secure(), Some(true));
        assert_eq!(cookie.path(), Some("/"));
    }
}
