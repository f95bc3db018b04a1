//! [`OidcHttp`]: reqwest 0.13 plugged into `openidconnect` through its `AsyncHttpClient`
//! trait (the crate's own `reqwest` feature would pull an older reqwest and a second TLS
//! stack).
//!
//! It never follows redirects (a provider's redirect could point discovery or the token
//! request at an internal address: SSRF), bounds every call in time, and reads at most
//! [`MAX_BODY`] bytes, so a hostile or broken provider cannot hold a request or exhaust
//! memory. Which URLs may be called at all is decided before, in [`super::discovery`].

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use openidconnect::{AsyncHttpClient, HttpRequest, HttpResponse};

/// Discovery documents, JWKS, token and userinfo responses are a few KiB.
const MAX_BODY: usize = 256 * 1024;
const TIMEOUT: Duration = Duration::from_secs(10);

/// The relying party's HTTP client. Cheap to clone (reqwest's pool is shared).
#[derive(Clone, Debug)]
pub(crate) struct OidcHttp(reqwest::Client);

/// A failed call to a provider. Carries no response body: bodies can hold tokens or claims.
#[derive(Debug, thiserror::Error)]
pub(crate) enum OidcHttpError {
    #[error("request to the identity provider failed")]
    Transport(#[source] reqwest::Error),
    #[error("the identity provider's response is too large")]
    TooLarge,
    #[error("invalid HTTP message")]
    Http(#[source] openidconnect::http::Error),
}

impl OidcHttp {
    pub(crate) fn new() -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).timeout(TIMEOUT).build()?;
        Ok(Self(client))
    }

    async fn execute(&self, request: HttpRequest) -> Result<HttpResponse, OidcHttpError> {
        let request = reqwest::Request::try_from(request).map_err(OidcHttpError::Transport)?;
        let mut response = self.0.execute(request).await.map_err(OidcHttpError::Transport)?;
        let mut builder = openidconnect::http::Response::builder().status(response.status());
        for (name, value) in response.headers() {
            builder = builder.header(name, value);
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(OidcHttpError::Transport)? {
            if body.len() + chunk.len() > MAX_BODY {
                return Err(OidcHttpError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        builder.body(body).map_err(OidcHttpError::Http)
    }
}

impl<'c> AsyncHttpClient<'c> for OidcHttp {
    type Error = OidcHttpError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, OidcHttpError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.execute(request))
    }
}
