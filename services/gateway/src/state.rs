//! The gateway's state: the schema with its shared data, the verifier, Redis and the limits.

use std::sync::Arc;
use std::time::Duration;

use secrecy::ExposeSecret as _;
use tp_auth::Verifier;
use tp_server::{Deps, Settings, StartupError};

use crate::config::GatewaySettings;
use crate::downstream::Downstream;
use crate::downstream::audit::AuditClient;
use crate::downstream::consent::ConsentClient;
use crate::downstream::identity::IdentityClient;
use crate::downstream::records::RecordsClient;
use crate::downstream::scheduling::SchedulingClient;
use crate::events::EventHub;
use crate::gate::{ConnectionOperations, Gate};
use crate::graphql::{ApiSchema, builder};
use crate::ratelimit::RateLimiter;

#[derive(Clone)]
pub struct AppState {
    pub schema: ApiSchema,
    pub gate: Gate,
    pub identity: IdentityClient,
    /// Also in the schema data; the file routes (`/files/…`) call it directly.
    pub records: RecordsClient,
    /// Also in the schema data; the outside providers' page (`/shared-records/…`) calls it.
    pub consent: ConsentClient,
    pub settings: Arc<GatewaySettings>,
    pub graphiql: bool,
}

impl AppState {
    pub fn build(deps: Deps, settings: &Settings) -> Result<Self, StartupError> {
        let gateway: GatewaySettings = settings.section("gateway").map_err(|e| StartupError::Config(e.to_string()))?;
        let verifier = Verifier::new(&gateway.auth).map_err(|e| StartupError::Config(format!("verifier: {e}")))?;
        let timeout = Duration::from_millis(gateway.downstream_timeout_ms);
        let identity = Downstream::new("identity", &gateway.identity_url, timeout)
            .map_err(|e| StartupError::Config(format!("identity client: {e}")))?;
        let identity = IdentityClient(identity);
        let records = Downstream::new("records", &gateway.records_url, timeout)
            .map_err(|e| StartupError::Config(format!("records client: {e}")))?;
        let records = RecordsClient(records);
        let audit = Downstream::new("audit", &gateway.audit_url, timeout)
            .map_err(|e| StartupError::Config(format!("audit client: {e}")))?;
        let consent = Downstream::new("consent", &gateway.consent_url, timeout)
            .map_err(|e| StartupError::Config(format!("consent client: {e}")))?;
        let consent = ConsentClient(consent);
        let scheduling = Downstream::new("scheduling", &gateway.scheduling_url, timeout)
            .map_err(|e| StartupError::Config(format!("scheduling client: {e}")))?;
        let hub = EventHub::start(settings.redis.url.expose_secret().to_owned());
        let gate = Gate::new(verifier, RateLimiter::new(gateway.rate_limit.clone()), deps.redis);
        let schema = builder(&gateway.limits, gateway.introspection(settings.environment))
            .extension(ConnectionOperations(gate.clone()))
            .data(identity.clone())
            .data(records.clone())
            .data(AuditClient(audit))
            .data(consent.clone())
            .data(SchedulingClient(scheduling))
            .data(hub)
            .data(gate.clone())
            .finish();
        Ok(Self {
            schema,
            gate,
            identity,
            records,
            consent,
            graphiql: gateway.graphiql(settings.environment),
            settings: Arc::new(gateway),
        })
    }
}
