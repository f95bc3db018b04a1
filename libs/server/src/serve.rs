//! Binding, the layers every service has, and graceful shutdown.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, Request, StatusCode};
use tokio::net::TcpListener;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tp_config::HttpSettings;

use crate::StartupError;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Request ids (kept from the caller or generated, echoed in the response), a span per
/// request that records method, route template and request id but never headers (they carry
/// tokens), the raw path or the query string (they can carry PHI), and a timeout answering 503.
pub fn with_common_layers(router: Router, http: &HttpSettings) -> Router {
    let trace = TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
        // The route template (`/charts/{id}`), never the raw path: a path the router did not
        // match is user input and could carry anything.
        let route = req.extensions().get::<axum::extract::MatchedPath>().map_or("unmatched", |p| p.as_str());
        let request_id = req.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or_default();
        let span = tracing::info_span!("request", method = %req.method(), route, request_id);
        // Continue the caller's trace (W3C `traceparent`), so a request through the gateway
        // and the services is one trace.
        let carrier = tp_telemetry::propagation::HEADERS
            .iter()
            .filter_map(|name| Some(((*name).to_owned(), req.headers().get(*name)?.to_str().ok()?.to_owned())))
            .collect();
        tp_telemetry::propagation::set_parent(&span, &carrier);
        span
    });
    router
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(http.request_timeout_secs),
        ))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(trace)
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

/// A bound listener and the router it will serve. The listener is bound before the router is
/// built, so the router (identity's issuer URL) and tests using port 0 know the real port.
pub struct Server {
    listener: TcpListener,
    router: Router,
}

/// Binds the address of `http` (port 0 picks a free port).
pub async fn listen(http: &HttpSettings) -> Result<TcpListener, StartupError> {
    TcpListener::bind(SocketAddr::new(http.host, http.port)).await.map_err(StartupError::Bind)
}

impl Server {
    pub fn new(listener: TcpListener, router: Router) -> Self {
        Self { listener, router }
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map_or(0, |a| a.port())
    }

    /// Serves until SIGTERM or Ctrl-C, then stops accepting and lets in-flight requests finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        // The peer address reaches handlers as `ConnectInfo` (the gateway's per-address limits).
        let service = self.router.into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(self.listener, service).with_graceful_shutdown(shutdown_signal()).await
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut sig) => {
                sig.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received; draining in-flight requests");
}
