//! Logging and tracing for every binary: `tracing` events as JSON lines (or readable text in a
//! terminal), plus OpenTelemetry OTLP/HTTP trace export when an endpoint is configured, with the
//! W3C trace-context propagator installed so trace ids cross service hops.
//!
//! Also home of [`Phi`], the wrapper that keeps protected health information out of logs.
//! What this crate does not do: metrics pipelines and log shipping are deployment concerns.

mod phi;
pub mod propagation;

use opentelemetry::KeyValue;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tp_config::{LogFormat, TelemetrySettings};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer, Registry};

pub use phi::Phi;

/// Telemetry could not be set up (bad filter directive, exporter misconfigured, initialised twice).
#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    #[error("invalid log filter")]
    Filter(#[source] tracing_subscriber::filter::ParseError),
    #[error("could not build the OTLP exporter")]
    Exporter(#[source] opentelemetry_otlp::ExporterBuildError),
    #[error("a global subscriber is already installed")]
    AlreadyInitialised(#[source] tracing_subscriber::util::TryInitError),
}

/// Flushes and shuts down the trace exporter when dropped, so the last spans of a process
/// that is stopping are not lost. Keep it alive for the whole of `main`.
#[must_use = "dropping the guard stops trace export"]
pub struct TelemetryGuard {
    provider: Option<SdkTracerProvider>,
}

impl Drop for TelemetryGuard {
    fn drop(&mut self) {
        if let Some(provider) = self.provider.take()
            && let Err(e) = provider.shutdown()
        {
            eprintln!("telemetry: trace exporter shutdown failed: {e}");
        }
    }
}

/// Noisy dependencies that would drown our own events at `debug`.
const QUIET: [&str; 5] = ["h2=warn", "hyper=warn", "hyper_util=warn", "sqlx=warn", "rustify=warn"];

/// Installs the global subscriber for `service` (its `service.name` in traces).
pub fn init(service: &str, version: &str, settings: &TelemetrySettings) -> Result<TelemetryGuard, TelemetryError> {
    init_with_writer(service, version, settings, std::io::stdout)
}

/// As [`init`], writing log lines to `writer` (tests send them to a sink).
pub fn init_with_writer<W>(
    service: &str,
    version: &str,
    settings: &TelemetrySettings,
    writer: W,
) -> Result<TelemetryGuard, TelemetryError>
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    let mut filter = EnvFilter::try_new(&settings.log_filter).map_err(TelemetryError::Filter)?;
    for directive in QUIET {
        if let Ok(d) = directive.parse() {
            filter = filter.add_directive(d);
        }
    }

    let fmt_layer = match settings.log_format {
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .with_writer(writer)
            .boxed(),
        LogFormat::Pretty => tracing_subscriber::fmt::layer().with_target(true).with_writer(writer).boxed(),
    };

    let provider = match &settings.otlp_endpoint {
        Some(endpoint) => Some(tracer_provider(service, version, endpoint)?),
        None => None,
    };
    let otel_layer =
        provider.as_ref().map(|p| tracing_opentelemetry::layer().with_tracer(p.tracer(service.to_owned())).boxed());

    opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
    Registry::default()
        .with(otel_layer)
        .with(fmt_layer)
        .with(filter)
        .try_init()
        .map_err(TelemetryError::AlreadyInitialised)?;
    Ok(TelemetryGuard { provider })
}

fn tracer_provider(service: &str, version: &str, endpoint: &str) -> Result<SdkTracerProvider, TelemetryError> {
    // The exporter's HTTP client is built without a default TLS provider (the workspace keeps
    // one backend, ring) and would panic in its own thread without one. Installing is a no-op
    // when the binary already did.
    let _ = rustls::crypto::ring::default_provider().install_default();
    // The HTTP exporter wants the full signal path; accept the base URL operators usually give.
    let endpoint = if endpoint.ends_with("/v1/traces") {
        endpoint.to_owned()
    } else {
        format!("{}/v1/traces", endpoint.trim_end_matches('/'))
    };
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_endpoint(endpoint)
        .build()
        .map_err(TelemetryError::Exporter)?;
    let resource = Resource::builder()
        .with_service_name(service.to_owned())
        .with_attribute(KeyValue::new("service.version", version.to_owned()))
        .build();
    Ok(SdkTracerProvider::builder().with_batch_exporter(exporter).with_resource(resource).build())
}
