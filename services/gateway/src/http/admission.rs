//! What admission needs to know of an HTTP request: the client address, the request id and
//! the trace context. The gate (`crate::gate`) does the rest.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use crate::gate::Origin;
use crate::state::AppState;
use axum::extract::ConnectInfo;
use axum::http::HeaderMap;
use axum::http::request::Parts;

/// The address rate limits count against: the TCP peer, or the last `X-Forwarded-For` hop
/// when the gateway is configured to sit behind a trusted proxy.
fn client_ip(state: &AppState, parts: &Parts) -> IpAddr {
    let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip());
    let forwarded = || {
        let header = parts.headers.get("x-forwarded-for")?.to_str().ok()?;
        header.rsplit(',').next()?.trim().parse().ok()
    };
    let forwarded = if state.settings.trust_forwarded_for { forwarded() } else { None };
    forwarded.or(peer).unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

/// Where the request comes from: its address, the request id set by the shared HTTP layers,
/// the W3C trace context to forward, and the user agent (`to_str` admits visible ASCII only).
pub fn origin(state: &AppState, parts: &Parts, connection: bool) -> Origin {
    let (request_id, trace) = correlation(&parts.headers);
    let user_agent = parts
        .headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.len() <= 512)
        .map(str::to_owned);
    Origin { ip: client_ip(state, parts), request_id, trace, user_agent, connection }
}

fn correlation(headers: &HeaderMap) -> (String, Vec<(&'static str, String)>) {
    let request_id = headers.get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let trace = tp_telemetry::propagation::HEADERS
        .into_iter()
        .filter_map(|name| {
            let value = headers.get(name)?.to_str().ok()?;
            // A malformed or oversized header is dropped, not forwarded.
            (value.len() <= 512 && value.is_ascii()).then(|| (name, value.to_owned()))
        })
        .collect();
    (request_id, trace)
}
