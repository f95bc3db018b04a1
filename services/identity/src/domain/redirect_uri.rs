//! Redirect URIs: what a client may register and the exact match the token and authorize
//! endpoints require.
//!
//! Matching is byte-for-byte on purpose: no prefix, path or query-parameter leniency, which
//! is how open redirects and code theft through look-alike URIs happen (OAuth 2.1, 4.1.1).

use url::Url;

/// Why a redirect URI cannot be registered. Never echoes the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("redirect URIs must be absolute https URLs (http only on loopback in dev) without a fragment")]
pub struct InvalidRedirectUri;

/// Checks a URI before it is registered for a client: absolute, no fragment, https, or
/// http on 127.0.0.1 / localhost / [::1] when `allow_loopback_http` (dev and test).
pub fn validate_registered(uri: &str, allow_loopback_http: bool) -> Result<(), InvalidRedirectUri> {
    let url = Url::parse(uri).map_err(|_| InvalidRedirectUri)?;
    if url.fragment().is_some() || !url.username().is_empty() || url.password().is_some() {
        return Err(InvalidRedirectUri);
    }
    let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    match url.scheme() {
        "https" => Ok(()),
        "http" if loopback && allow_loopback_http => Ok(()),
        _ => Err(InvalidRedirectUri),
    }
}

/// Whether `presented` is exactly one of `registered`.
pub fn is_registered(registered: &[String], presented: &str) -> bool {
    registered.iter().any(|uri| uri == presented)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_exact_matches_are_registered() {
        let registered = vec!["https://app.example.com/callback".to_owned()];
        assert!(is_registered(&registered, "https://app.example.com/callback"));
        for near in [
            "https://app.example.com/callback/",
            "https://app.example.com/callback?x=1",
            "https://app.example.com/callbackx",
            "https://app.example.com/Callback",
            "https://app.example.com.evil.test/callback",
        ] {
            assert!(!is_registered(&registered, near), "{near}");
        }
    }

    #[test]
    fn plain_http_is_registrable_only_on_loopback_when_allowed() {
        assert!(validate_registered("https://app.example.com/cb", false).is_ok());
        assert!(validate_registered("http://127.0.0.1:8080/cb", true).is_ok());
        assert!(validate_registered("http://127.0.0.1:8080/cb", false).is_err());
        assert!(validate_registered("http://app.example.com/cb", true).is_err());
        assert!(validate_registered("https://app.example.com/cb#frag", false).is_err());
        assert!(validate_registered("/relative", true).is_err());
    }
}
