//! [`Federation`]: identity's side of every practice's OpenID provider: the HTTP client,
//! which provider URLs may be called at all, and discovery documents (with their JWKS)
//! cached per issuer for [`CACHE_TTL`].
//!
//! URL policy: https only, except plain http to a loopback address where the environment
//! allows it (dev and test, `identity.allow_loopback_http`). It applies to the issuer and to
//! every endpoint the discovery document names, so a provider cannot move its token endpoint
//! (which receives the client secret) onto plain http. What this does not stop: an https
//! issuer on a private network; practice admins are trusted with their own IdP's address.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use openidconnect::core::CoreProviderMetadata;
use openidconnect::{DiscoveryError, IssuerUrl};
use url::Url;

use super::http_client::{OidcHttp, OidcHttpError};

/// Long enough to spare the provider a fetch per sign-in, short enough that a rotated
/// signing key is picked up soon (an ID token that fails verification also evicts it).
const CACHE_TTL: Duration = Duration::from_secs(15 * 60);

/// Shared by every request (cheap to clone). The provider-facing half of federation.
#[derive(Clone)]
pub struct Federation {
    inner: Arc<Inner>,
}

struct Inner {
    http: OidcHttp,
    allow_loopback_http: bool,
    /// Where providers send people back to: `<issuer>/federation/callback`.
    redirect_uri: String,
    cache: Mutex<HashMap<String, Cached>>,
}

struct Cached {
    metadata: Arc<CoreProviderMetadata>,
    fetched: Instant,
}

/// The relying party's HTTP client could not be built (no TLS provider installed).
#[derive(Debug, thiserror::Error)]
#[error("cannot build the federation HTTP client")]
pub struct FederationInitError(#[source] reqwest::Error);

/// Discovery failed. `Display` is safe for a practice admin: no response bodies.
#[derive(Debug, thiserror::Error)]
pub(crate) enum DiscoveryFailed {
    #[error("{0}")]
    UrlNotAllowed(&'static str),
    #[error("the provider's {0} is not an allowed URL")]
    EndpointNotAllowed(&'static str),
    #[error("the discovery document could not be fetched or does not name this issuer")]
    Fetch(#[source] DiscoveryError<OidcHttpError>),
    #[error("the provider has no token endpoint")]
    NoTokenEndpoint,
}

impl Federation {
    /// `redirect_uri` is identity's callback, as registered at every practice's provider.
    pub fn new(allow_loopback_http: bool, redirect_uri: String) -> Result<Federation, FederationInitError> {
        let http = OidcHttp::new().map_err(FederationInitError)?;
        let cache = Mutex::new(HashMap::new());
        Ok(Federation { inner: Arc::new(Inner { http, allow_loopback_http, redirect_uri, cache }) })
    }

    pub(crate) fn http(&self) -> &OidcHttp {
        &self.inner.http
    }

    pub(crate) fn redirect_uri(&self) -> &str {
        &self.inner.redirect_uri
    }

    /// The provider's metadata, from the cache while fresh.
    pub(crate) async fn metadata(&self, issuer: &str) -> Result<Arc<CoreProviderMetadata>, DiscoveryFailed> {
        let cached =
            self.cache().get(issuer).filter(|c| c.fetched.elapsed() < CACHE_TTL).map(|c| Arc::clone(&c.metadata));
        match cached {
            Some(metadata) => Ok(metadata),
            None => self.discover(issuer).await,
        }
    }

    /// Fetches discovery and JWKS now, checks every URL, and caches the result.
    pub(crate) async fn discover(&self, issuer: &str) -> Result<Arc<CoreProviderMetadata>, DiscoveryFailed> {
        let allow_http = self.inner.allow_loopback_http;
        check_url(issuer, allow_http).map_err(DiscoveryFailed::UrlNotAllowed)?;
        let issuer_url =
            IssuerUrl::new(issuer.to_owned()).map_err(|_| DiscoveryFailed::UrlNotAllowed("invalid URL"))?;
        let metadata =
            CoreProviderMetadata::discover_async(issuer_url, self.http()).await.map_err(DiscoveryFailed::Fetch)?;
        let token = metadata.token_endpoint().ok_or(DiscoveryFailed::NoTokenEndpoint)?;
        let endpoints = [
            ("authorization endpoint", Some(metadata.authorization_endpoint().url())),
            ("token endpoint", Some(token.url())),
            ("JWKS URL", Some(metadata.jwks_uri().url())),
            ("userinfo endpoint", metadata.userinfo_endpoint().map(|u| u.url())),
        ];
        for (name, url) in endpoints {
            if let Some(url) = url {
                check_url(url.as_str(), allow_http).map_err(|_| DiscoveryFailed::EndpointNotAllowed(name))?;
            }
        }
        let metadata = Arc::new(metadata);
        let cached = Cached { metadata: Arc::clone(&metadata), fetched: Instant::now() };
        self.cache().insert(issuer.to_owned(), cached);
        Ok(metadata)
    }

    /// Drops the cached metadata, so the next sign-in fetches keys afresh.
    pub(crate) fn forget(&self, issuer: &str) {
        self.cache().remove(issuer);
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, HashMap<String, Cached>> {
        // The map stays consistent even if a holder panicked: every update is one call.
        self.inner.cache.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// `Ok` for https URLs, and for http to a loopback host when `allow_loopback_http`.
/// Credentials in the URL and fragments are refused: neither belongs in an issuer.
pub(crate) fn check_url(raw: &str, allow_loopback_http: bool) -> Result<Url, &'static str> {
    let url = Url::parse(raw).map_err(|_| "invalid URL")?;
    if !url.username().is_empty() || url.password().is_some() || url.fragment().is_some() {
        return Err("the URL must not carry credentials or a fragment");
    }
    let host = url.host_str().ok_or("the URL has no host")?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if allow_loopback_http && is_loopback(host) => Ok(url),
        _ => Err("the URL must use https"),
    }
}

fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost" || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::check_url;

    #[test]
    fn https_urls_are_allowed_everywhere() {
        assert!(check_url("https://login.example.com", false).is_ok());
        assert!(check_url("https://login.example.com/tenant/v2.0", false).is_ok());
    }

    #[test]
    fn plain_http_is_allowed_only_to_loopback_and_only_when_the_environment_allows_it() {
        for url in ["http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:9"] {
            assert!(check_url(url, true).is_ok(), "{url}");
            assert!(check_url(url, false).is_err(), "{url}");
        }
        for url in ["http://10.0.0.1", "http://login.example.com", "http://127.0.0.1.example.com"] {
            assert!(check_url(url, true).is_err(), "{url}");
        }
    }

    #[test]
    fn other_schemes_credentials_and_fragments_are_refused() {
        for url in ["ftp://example.com", "file:///etc/passwd", "https://u:p@example.com", "https://example.com/#x", "x"]
        {
            assert!(check_url(url, true).is_err(), "{url}");
        }
    }
}
