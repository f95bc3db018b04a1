//! Admission of a request or a WebSocket connection: the client address, the bearer token
//! verified, the rate limits counted, and the [`RequestCtx`] the resolvers will see.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use tp_auth::AuthError;
use tp_errors::ErrorKind;

use crate::graphql::context::{Caller, RequestCtx};
use crate::graphql::error::GqlError;
use crate::ratelimit::Admission;
use crate::state::AppState;

/// The address rate limits count against: the TCP peer, or the last `X-Forwarded-For` hop
/// when the gateway is configured to sit behind a trusted proxy.
pub fn client_ip(state: &AppState, parts: &Parts) -> IpAddr {
    let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip());
    let forwarded = || {
        let header = parts.headers.get("x-forwarded-for")?.to_str().ok()?;
        header.rsplit(',').next()?.trim().parse().ok()
    };
    let forwarded = if state.settings.trust_forwarded_for { forwarded() } else { None };
    forwarded.or(peer).unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

/// The request id set by the shared HTTP layers, and the W3C trace context to forward.
pub fn correlation(headers: &HeaderMap) -> (String, Vec<(&'static str, String)>) {
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

/// Verifies `token` (if any) and counts the request. Anonymous requests are admitted: every
/// data field refuses them on its own, and introspection needs no identity.
pub async fn admit(
    state: &AppState,
    ip: IpAddr,
    token: Option<&str>,
    request_id: String,
    trace: Vec<(&'static str, String)>,
) -> Result<RequestCtx, GqlError> {
    let caller = match token {
        None => None,
        Some(token) => match state.verifier.verify(token).await {
            Ok(principal) => Some(Caller { principal, token: token.to_owned() }),
            Err(err) => {
                // A bad token still counts against the address, so guessing is limited too.
                count_anonymous(state, ip).await?;
                return Err(auth_error(&err));
            }
        },
    };
    let principal = caller.as_ref().map(|c| &c.principal);
    match state.limiter.admit(&mut state.redis.clone(), ip, principal).await {
        Ok(Admission::Admitted) => Ok(RequestCtx::new(caller, request_id, trace)),
        Ok(Admission::Limited { retry_after_secs }) => Err(GqlError::rate_limited(retry_after_secs)),
        Ok(Admission::Revoked) => Err(auth_error(&AuthError::Revoked)),
        Err(err) => Err(GqlError::server(ErrorKind::Unavailable, &err)),
    }
}

async fn count_anonymous(state: &AppState, ip: IpAddr) -> Result<(), GqlError> {
    match state.limiter.admit(&mut state.redis.clone(), ip, None).await {
        Ok(Admission::Limited { retry_after_secs }) => Err(GqlError::rate_limited(retry_after_secs)),
        _ => Ok(()),
    }
}

fn auth_error(err: &AuthError) -> GqlError {
    match err {
        AuthError::Unavailable(_) => GqlError::server(ErrorKind::Unavailable, err),
        AuthError::InvalidToken(reason) => {
            tracing::info!(%reason, "access token refused");
            GqlError::new(ErrorKind::Unauthenticated, "invalid access token")
        }
        AuthError::Expired => GqlError::new(ErrorKind::Unauthenticated, "access token expired"),
        AuthError::Revoked => GqlError::new(ErrorKind::Unauthenticated, "access token revoked"),
        AuthError::MissingToken | AuthError::NoTenant | AuthError::Forbidden => GqlError::unauthenticated(),
    }
}
