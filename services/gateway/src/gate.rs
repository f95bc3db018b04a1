//! Who gets in: the bearer token verified, the request counted against its address and its
//! principal, and the session's revocation read, in one Redis round trip. The same gate
//! admits each operation sent over a WebSocket (a connection is not a pass for unlimited
//! work, nor for a token that has since expired) and re-checks a subscriber before each
//! event.

use std::net::IpAddr;
use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest};
use async_graphql::{Request, ServerResult};
use redis::aio::ConnectionManager;
use tp_auth::{AuthError, Verifier};
use tp_errors::ErrorKind;

use crate::graphql::context::{Caller, RequestCtx};
use crate::graphql::error::GqlError;
use crate::ratelimit::{Admission, RateLimiter};

#[derive(Clone)]
pub struct Gate {
    verifier: Verifier,
    limiter: RateLimiter,
    redis: ConnectionManager,
}

/// Where a request comes from and how it is tied to logs and traces.
pub struct Origin {
    pub ip: IpAddr,
    pub request_id: String,
    pub trace: Vec<(&'static str, String)>,
    /// The client's `User-Agent`, when it is printable ASCII of at most 512 bytes: kept as
    /// evidence with a consent signature, nothing else.
    pub user_agent: Option<String>,
    /// A WebSocket connection: each of its operations is admitted again.
    pub connection: bool,
}

impl Gate {
    pub fn new(verifier: Verifier, limiter: RateLimiter, redis: ConnectionManager) -> Self {
        Self { verifier, limiter, redis }
    }

    /// Verifies `token` (if any) and counts the request. Anonymous requests are admitted:
    /// every data field refuses them on its own, and introspection needs no identity.
    pub async fn admit(&self, origin: Origin, token: Option<&str>) -> Result<RequestCtx, GqlError> {
        let caller = match token {
            None => None,
            Some(token) => Some(self.verify(origin.ip, token).await?),
        };
        self.count(origin.ip, caller.as_ref()).await?;
        Ok(RequestCtx::new(caller, origin))
    }

    /// Admits one more operation of a connection: its token verified again (it may have
    /// expired) and counted like a request.
    pub async fn readmit(&self, cx: &RequestCtx) -> Result<(), GqlError> {
        let caller = match cx.caller() {
            Ok(caller) => Some(self.verify(cx.ip(), &caller.token).await?),
            Err(_) => None,
        };
        self.count(cx.ip(), caller.as_ref()).await
    }

    /// Whether a subscriber's token still holds (valid, session not revoked). Not counted.
    pub async fn still_valid(&self, cx: &RequestCtx) -> bool {
        let Ok(caller) = cx.caller() else { return false };
        self.verifier.authenticate(&caller.token, &mut self.redis.clone()).await.is_ok()
    }

    async fn verify(&self, ip: IpAddr, token: &str) -> Result<Caller, GqlError> {
        match self.verifier.verify(token).await {
            Ok(principal) => Ok(Caller { principal, token: token.to_owned() }),
            Err(err) => {
                // A bad token still counts against the address, so guessing is limited too.
                self.count(ip, None).await?;
                Err(auth_error(&err))
            }
        }
    }

    async fn count(&self, ip: IpAddr, caller: Option<&Caller>) -> Result<(), GqlError> {
        let principal = caller.map(|c| &c.principal);
        match self.limiter.admit(&mut self.redis.clone(), ip, principal).await {
            Ok(Admission::Admitted) => Ok(()),
            Ok(Admission::Limited { retry_after_secs }) => Err(GqlError::rate_limited(retry_after_secs)),
            Ok(Admission::Revoked) => Err(auth_error(&AuthError::Revoked)),
            Err(err) => Err(GqlError::server(ErrorKind::Unavailable, &err)),
        }
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

/// The schema extension that sends every operation of a WebSocket connection through the
/// gate (HTTP requests were admitted before execution already).
pub struct ConnectionOperations(pub Gate);

impl ExtensionFactory for ConnectionOperations {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ConnectionOperationsExtension(self.0.clone()))
    }
}

struct ConnectionOperationsExtension(Gate);

#[async_trait::async_trait]
impl Extension for ConnectionOperationsExtension {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        if let Some(cx) = ctx.data_opt::<RequestCtx>()
            && cx.is_connection()
        {
            self.0.readmit(cx).await.map_err(GqlError::into_server_error)?;
        }
        next.run(ctx, request).await
    }
}
