//! What every resolver knows about the request: who is calling (resolved once, at the
//! edge), the token to forward, and the ids that tie downstream calls to this request.

use std::sync::Arc;

use async_graphql::{Context, Guard};
use tp_auth::Principal;
use tp_authz::Permission;
use tp_ids::TenantId;

use crate::gate::Origin;
use crate::graphql::error::GqlError;

/// Attached to each request (HTTP) or connection (WebSocket) as GraphQL context data.
#[derive(Clone)]
pub struct RequestCtx {
    inner: Arc<Inner>,
}

struct Inner {
    caller: Option<Caller>,
    /// Where it came from: the address, the request id, the incoming W3C trace context
    /// (forwarded when no span context of our own is exported), and whether it is a
    /// WebSocket connection.
    origin: Origin,
}

/// A verified caller: the principal and the bearer token it was read from.
#[derive(Clone)]
pub struct Caller {
    pub principal: Principal,
    /// Forwarded to services, which verify it again. Never logged.
    pub token: String,
}

impl std::fmt::Debug for Caller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Caller").field("principal", &self.principal).field("token", &"[redacted]").finish()
    }
}

impl RequestCtx {
    pub fn new(caller: Option<Caller>, origin: Origin) -> Self {
        Self { inner: Arc::new(Inner { caller, origin }) }
    }

    pub fn caller(&self) -> Result<&Caller, GqlError> {
        self.inner.caller.as_ref().ok_or_else(GqlError::unauthenticated)
    }

    pub fn principal(&self) -> Result<&Principal, GqlError> {
        self.caller().map(|caller| &caller.principal)
    }

    /// The caller's tenant, for operations on "my practice". Operators have none.
    pub fn tenant(&self) -> Result<TenantId, GqlError> {
        self.principal()?.tenant_opt().ok_or_else(GqlError::forbidden)
    }

    /// `Ok` when the caller holds `permission` (in its own tenant, if it has one).
    pub fn require(&self, permission: Permission) -> Result<(), GqlError> {
        let principal = self.principal()?;
        tp_authz::authorize(principal, principal.tenant_opt(), permission)?;
        Ok(())
    }

    /// [`Self::require`] for an operation on the caller's own practice; returns it.
    pub fn require_in_tenant(&self, permission: Permission) -> Result<TenantId, GqlError> {
        self.require(permission)?;
        self.tenant()
    }

    pub fn request_id(&self) -> &str {
        &self.inner.origin.request_id
    }

    pub fn trace_headers(&self) -> &[(&'static str, String)] {
        &self.inner.origin.trace
    }

    pub fn ip(&self) -> std::net::IpAddr {
        self.inner.origin.ip
    }

    pub fn user_agent(&self) -> Option<&str> {
        self.inner.origin.user_agent.as_deref()
    }

    /// A WebSocket connection, whose every operation is admitted again.
    pub fn is_connection(&self) -> bool {
        self.inner.origin.connection
    }
}

/// The request context of a resolver. Every request has one: the HTTP and WebSocket entry
/// points attach it before execution.
pub fn request_ctx<'a>(ctx: &Context<'a>) -> Result<&'a RequestCtx, GqlError> {
    data(ctx)
}

/// Request or schema data a resolver needs; missing data is a wiring bug, not the caller's.
pub fn data<'a, T: std::any::Any + Send + Sync>(ctx: &Context<'a>) -> Result<&'a T, GqlError> {
    ctx.data::<T>().map_err(|_| {
        let cause = std::io::Error::other(format!("{} missing from the context", std::any::type_name::<T>()));
        GqlError::server(tp_errors::ErrorKind::Internal, &cause)
    })
}

/// Guard: any verified caller.
pub struct Authenticated;

impl Guard for Authenticated {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        request_ctx(ctx)?.principal()?;
        Ok(())
    }
}

/// Guard: a caller holding the permission (the table of `tp_authz`).
/// Services check again; this refuses early and keeps the answer uniform.
pub struct Require(pub Permission);

impl Guard for Require {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        request_ctx(ctx)?.require(self.0)?;
        Ok(())
    }
}
