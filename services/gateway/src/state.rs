//! The gateway's state: the schema with its shared data, the verifier, Redis and the limits.

use std::sync::Arc;
use std::time::Duration;

use redis::aio::ConnectionManager;
use secrecy::ExposeSecret as _;
use tp_auth::Verifier;
use tp_server::{Deps, Settings, StartupError};

use crate::config::GatewaySettings;
use crate::downstream::Downstream;
use crate::downstream::identity::IdentityClient;
use crate::events::EventHub;
use crate::graphql::context::RequestCtx;
use crate::graphql::{ApiSchema, builder};
use crate::ratelimit::RateLimiter;

#[derive(Clone)]
pub struct AppState {
    pub schema: ApiSchema,
    pub verifier: Verifier,
    pub redis: ConnectionManager,
    pub limiter: RateLimiter,
    pub identity: IdentityClient,
    pub settings: Arc<GatewaySettings>,
    pub graphiql: bool,
}

/// Checks, for a live subscription, that the caller's token still holds.
#[derive(Clone)]
pub struct Reauth {
    verifier: Verifier,
    redis: ConnectionManager,
}

impl Reauth {
    pub async fn still_valid(&self, cx: &RequestCtx) -> bool {
        let Ok(caller) = cx.caller() else { return false };
        self.verifier.authenticate(&caller.token, &mut self.redis.clone()).await.is_ok()
    }
}

impl AppState {
    pub fn build(deps: Deps, settings: &Settings) -> Result<Self, StartupError> {
        let gateway: GatewaySettings = settings.section("gateway").map_err(|e| StartupError::Config(e.to_string()))?;
        let verifier = Verifier::new(&gateway.auth).map_err(|e| StartupError::Config(format!("verifier: {e}")))?;
        let timeout = Duration::from_millis(gateway.downstream_timeout_ms);
        let identity = Downstream::new("identity", &gateway.identity_url, timeout)
            .map_err(|e| StartupError::Config(format!("identity client: {e}")))?;
        let identity = IdentityClient(identity);
        let hub = EventHub::start(settings.redis.url.expose_secret().to_owned());
        let reauth = Reauth { verifier: verifier.clone(), redis: deps.redis.clone() };
        let schema = builder(&gateway.limits, gateway.introspection(settings.environment))
            .data(identity.clone())
            .data(hub)
            .data(reauth)
            .finish();
        Ok(Self {
            schema,
            verifier,
            redis: deps.redis,
            limiter: RateLimiter::new(gateway.rate_limit.clone()),
            identity,
            graphiql: gateway.graphiql(settings.environment),
            settings: Arc::new(gateway),
        })
    }
}
