//! W3C trace context across service hops: continue the caller's trace on the way in, hand
//! ours to the next service on the way out. Both are no-ops for the exported trace when no
//! OTLP endpoint is configured (there is no span context to continue or hand on then).

use std::collections::HashMap;

use opentelemetry::global;
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

/// The headers that carry trace context.
pub const HEADERS: [&str; 2] = ["traceparent", "tracestate"];

/// Makes `span` a child of the trace context in `carrier` (header name -> value).
pub fn set_parent(span: &tracing::Span, carrier: &HashMap<String, String>) {
    if carrier.is_empty() {
        return;
    }
    let cx = global::get_text_map_propagator(|propagator| propagator.extract(carrier));
    // Fails only when the span is disabled or has no OpenTelemetry layer: nothing to continue.
    let _ = span.set_parent(cx);
}

/// The trace context of the current span as headers for an outgoing request; empty when the
/// current span is not exported.
pub fn current_headers() -> HashMap<String, String> {
    let cx = tracing::Span::current().context();
    let mut carrier = HashMap::new();
    global::get_text_map_propagator(|propagator| propagator.inject_context(&cx, &mut carrier));
    carrier
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry::trace::TracerProvider as _;
    use opentelemetry_sdk::propagation::TraceContextPropagator;
    use opentelemetry_sdk::trace::SdkTracerProvider;
    use tracing_subscriber::layer::SubscriberExt as _;

    #[test]
    fn an_incoming_trace_is_continued_and_handed_on_with_the_same_trace_id() {
        global::set_text_map_propagator(TraceContextPropagator::new());
        let provider = SdkTracerProvider::builder().build();
        let subscriber =
            tracing_subscriber::registry().with(tracing_opentelemetry::layer().with_tracer(provider.tracer("test")));
        let incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let carrier = HashMap::from([("traceparent".to_owned(), incoming.to_owned())]);

        let outgoing = tracing::subscriber::with_default(subscriber, || {
            let span = tracing::info_span!("request");
            set_parent(&span, &carrier);
            span.in_scope(current_headers)
        });

        let traceparent = outgoing.get("traceparent").expect("a traceparent is handed on");
        assert!(traceparent.starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-"), "same trace: {traceparent}");
        assert_ne!(traceparent, incoming, "our own span id, not the caller's");
    }

    #[test]
    fn without_an_exported_span_nothing_is_handed_on() {
        assert!(current_headers().is_empty());
    }
}
