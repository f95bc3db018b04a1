//! Calls to the services behind the gateway: JSON over HTTP with the caller's own token
//! (services verify it again), the request id and the W3C trace context, under a timeout.
//!
//! Failures map onto the GraphQL codes: a service's client-side answer keeps its kind and
//! its (client-safe) message; a service that is down, slow or failing is UNAVAILABLE for the
//! fields it serves. Typed clients per service live beside this module.

pub mod audit;
pub mod consent;
pub mod identity;
pub mod records;
pub mod scheduling;

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tp_errors::ErrorKind;

use crate::graphql::context::RequestCtx;
use crate::graphql::error::GqlError;

/// Largest answer read from a service; anything bigger is a failure, not a memory spike.
const MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;
/// The largest answer of [`Downstream::send_json_large`].
const LARGE_ANSWER: usize = 16 * 1024 * 1024;
/// How long a large answer may take.
const LARGE_TIMEOUT: Duration = Duration::from_secs(30);

/// One downstream service: its base URL and a pooled HTTP client.
#[derive(Clone)]
pub struct Downstream {
    name: &'static str,
    base: String,
    http: reqwest::Client,
}

/// A service's answer as it came: status, content type and body.
pub struct RawAnswer {
    pub status: StatusCode,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// What a service failed with, as its error body says (tp_errors::ErrorBody).
#[derive(serde::Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(serde::Deserialize)]
struct ErrorDetail {
    kind: ErrorKind,
    message: String,
}

#[derive(Debug, thiserror::Error)]
enum CallError {
    #[error("{service} could not be reached")]
    Transport { service: &'static str, source: reqwest::Error },
    #[error("{service} answered {status}")]
    Status { service: &'static str, status: StatusCode },
    #[error("{service} sent more than the answer limit")]
    TooLarge { service: &'static str },
    #[error("{service} sent an unreadable answer")]
    Body { service: &'static str, source: Box<dyn std::error::Error + Send + Sync> },
}

impl Downstream {
    pub fn new(name: &'static str, base: &str, timeout: Duration) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .pool_idle_timeout(Duration::from_secs(60))
            .build()?;
        Ok(Self { name, base: base.trim_end_matches('/').to_owned(), http })
    }

    pub async fn get<T: DeserializeOwned>(&self, cx: &RequestCtx, path: &str) -> Result<T, GqlError> {
        let bytes = self.send(cx, Method::GET, path, None::<&()>).await?;
        self.decode(&bytes)
    }

    /// A `GET` whose answer is a document, not JSON of ours (an export): its text.
    pub async fn get_text(&self, cx: &RequestCtx, path: &str) -> Result<String, GqlError> {
        let bytes = self.send(cx, Method::GET, path, None::<&()>).await?;
        String::from_utf8(bytes).map_err(|e| {
            GqlError::server(ErrorKind::Internal, &CallError::Body { service: self.name, source: e.into() })
        })
    }

    pub async fn send_json<B: Serialize, T: DeserializeOwned>(
        &self,
        cx: &RequestCtx,
        method: Method,
        path: &str,
        body: &B,
    ) -> Result<T, GqlError> {
        self.send_json_with(cx, (method, path), &[], body).await
    }

    /// [`Self::send_json`] with `headers` added (a consent signature's client address and
    /// user agent).
    pub async fn send_json_with<B: Serialize, T: DeserializeOwned>(
        &self,
        cx: &RequestCtx,
        (method, path): (Method, &str),
        headers: &[(&'static str, String)],
        body: &B,
    ) -> Result<T, GqlError> {
        let bytes = self.send_with(cx, (method, path), headers, Some(body)).await?;
        self.decode(&bytes)
    }

    /// A call without a body whose answer is read (`POST …/sign`).
    pub async fn send_empty<T: DeserializeOwned>(
        &self,
        cx: &RequestCtx,
        method: Method,
        path: &str,
    ) -> Result<T, GqlError> {
        let bytes = self.send(cx, method, path, None::<&()>).await?;
        self.decode(&bytes)
    }

    /// A call whose answer has no body worth reading (204, 202).
    pub async fn send_unit<B: Serialize>(
        &self,
        cx: &RequestCtx,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<(), GqlError> {
        self.send(cx, method, path, body).await.map(drop)
    }

    async fn send<B: Serialize>(
        &self,
        cx: &RequestCtx,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<Vec<u8>, GqlError> {
        self.send_with(cx, (method, path), &[], body).await
    }

    /// [`Self::send`] with `headers` added.
    #[tracing::instrument(skip_all, fields(service = self.name, %method))]
    async fn send_with<B: Serialize>(
        &self,
        cx: &RequestCtx,
        (method, path): (Method, &str),
        headers: &[(&'static str, String)],
        body: Option<&B>,
    ) -> Result<Vec<u8>, GqlError> {
        let mut request = self.request(cx, method, path)?;
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let answer = self.answer(request, MAX_RESPONSE_BYTES).await?;
        if answer.status.is_success() {
            return Ok(answer.body);
        }
        Err(self.failure(answer.status, &answer.body))
    }

    /// A call with a raw body (a document upload) or a raw answer (a download): `headers`
    /// added, the answer read up to `max` bytes and returned whatever its status (map a
    /// failure with [`Downstream::failure`]), under `timeout` instead of the usual one.
    #[tracing::instrument(skip_all, fields(service = self.name, %method))]
    pub async fn raw(
        &self,
        cx: &RequestCtx,
        (method, path): (Method, &str),
        headers: &[(&'static str, String)],
        body: Option<Vec<u8>>,
        (max, timeout): (usize, Duration),
    ) -> Result<RawAnswer, GqlError> {
        let mut request = self.request(cx, method, path)?.timeout(timeout);
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        if let Some(body) = body {
            request = request.body(body);
        }
        self.answer(request, max).await
    }

    /// A JSON call whose answer may be large (a sealed disclosure package, a downloaded
    /// bundle: up to 5 MiB of documents inline, base64 and sealed): read up to
    /// [`LARGE_ANSWER`] bytes, under a longer timeout than a plain call.
    pub async fn send_json_large<B: Serialize, T: DeserializeOwned>(
        &self,
        cx: &RequestCtx,
        (method, path): (Method, &str),
        body: Option<&B>,
    ) -> Result<T, GqlError> {
        let json = body.map(serde_json::to_vec).transpose().map_err(|e| {
            GqlError::server(ErrorKind::Internal, &CallError::Body { service: self.name, source: e.into() })
        })?;
        let headers = if json.is_some() { vec![("content-type", "application/json".to_owned())] } else { Vec::new() };
        let answer = self.raw(cx, (method, path), &headers, json, (LARGE_ANSWER, LARGE_TIMEOUT)).await?;
        if !answer.status.is_success() {
            return Err(self.failure(answer.status, &answer.body));
        }
        self.decode(&answer.body)
    }

    /// A `POST` of `body` without any token, for the one public route behind the gateway
    /// (an outside provider's download, whose credentials are in the body): the answer, a
    /// bundle, read up to [`LARGE_ANSWER`] bytes and returned whatever its status.
    #[tracing::instrument(skip_all, fields(service = self.name))]
    pub async fn anonymous_json<B: Serialize>(
        &self,
        cx: &RequestCtx,
        (path, body): (&str, &B),
    ) -> Result<RawAnswer, GqlError> {
        let request = self.http.post(format!("{}{path}", self.base)).timeout(LARGE_TIMEOUT).json(body);
        self.answer(self.correlated(cx, request), LARGE_ANSWER).await
    }

    /// A request to `path` with the caller's token, the request id and the trace context.
    fn request(&self, cx: &RequestCtx, method: Method, path: &str) -> Result<reqwest::RequestBuilder, GqlError> {
        let caller = cx.caller()?;
        let request = self.http.request(method, format!("{}{path}", self.base)).bearer_auth(&caller.token);
        Ok(self.correlated(cx, request))
    }

    /// `request` with the request id and the trace context.
    fn correlated(&self, cx: &RequestCtx, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        let mut request = request.header("x-request-id", cx.request_id());
        // Our own span's context when traces are exported; otherwise the caller's, as it came,
        // so the service's logs still share the caller's trace id.
        let ours = tp_telemetry::propagation::current_headers();
        if ours.is_empty() {
            for (name, value) in cx.trace_headers() {
                request = request.header(*name, value);
            }
        } else {
            for (name, value) in ours {
                request = request.header(name, value);
            }
        }
        request
    }

    /// Sends `request` and reads its answer, never more than `max` bytes of it.
    async fn answer(&self, request: reqwest::RequestBuilder, max: usize) -> Result<RawAnswer, GqlError> {
        let transport = |source| CallError::Transport { service: self.name, source };
        let mut response = request.send().await.map_err(|e| unavailable(&transport(e)))?;
        let status = response.status();
        let content_type =
            response.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| unavailable(&transport(e)))? {
            if body.len() + chunk.len() > max {
                return Err(unavailable(&CallError::TooLarge { service: self.name }));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(RawAnswer { status, content_type, body })
    }

    pub fn decode<T: DeserializeOwned>(&self, bytes: &[u8]) -> Result<T, GqlError> {
        serde_json::from_slice(bytes).map_err(|e| {
            GqlError::server(ErrorKind::Internal, &CallError::Body { service: self.name, source: e.into() })
        })
    }

    /// A service's refusal keeps its kind and message (services' messages are client-safe by
    /// contract); its own failures become UNAVAILABLE here.
    pub fn failure(&self, status: StatusCode, bytes: &[u8]) -> GqlError {
        match serde_json::from_slice::<ErrorBody>(bytes) {
            Ok(ErrorBody { error }) if !error.kind.is_server_side() => GqlError::new(error.kind, error.message),
            _ => unavailable(&CallError::Status { service: self.name, status }),
        }
    }
}

fn unavailable(cause: &CallError) -> GqlError {
    GqlError::server(ErrorKind::Unavailable, cause)
}
