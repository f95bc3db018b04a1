//! With an OTLP endpoint configured, spans really leave the process: a local HTTP listener
//! stands in for the collector and must receive an OTLP/HTTP protobuf export naming our
//! service. Its own test binary, because `init` installs the process-wide subscriber.
#![expect(clippy::unwrap_used, reason = "the stand-in collector fails its test loudly")]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

use tp_config::{LogFormat, TelemetrySettings};

/// Accepts one HTTP request, answers 200 and hands back its request line, headers and body.
fn one_request_collector() -> (String, mpsc::Receiver<(String, Vec<u8>)>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut reader = BufReader::new(stream);
        let mut head = String::new();
        let mut length = 0;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap();
            }
            if line == "\r\n" || line.is_empty() {
                break;
            }
            head.push_str(&line);
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        let mut stream = reader.into_inner();
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
        let _ = tx.send((head, body));
    });
    (endpoint, rx)
}

#[test]
fn spans_are_exported_over_otlp_http_when_an_endpoint_is_configured() {
    // Arrange
    let (endpoint, received) = one_request_collector();
    let settings =
        TelemetrySettings { log_filter: "info".into(), log_format: LogFormat::Json, otlp_endpoint: Some(endpoint) };
    let guard = tp_telemetry::init_with_writer("tp-otlp-test", "0.0.0-test", &settings, std::io::sink).unwrap();

    // Act: one span, then drop the guard, which flushes the batch exporter.
    tracing::info_span!("chart_read", route = "/charts/{id}").in_scope(|| tracing::info!("read"));
    drop(guard);

    // Assert
    let (head, body) = received.recv_timeout(Duration::from_secs(10)).expect("no OTLP export arrived");
    assert!(head.starts_with("POST /v1/traces "), "{head}");
    assert!(head.to_ascii_lowercase().contains("content-type: application/x-protobuf"), "{head}");
    let body = String::from_utf8_lossy(&body);
    assert!(body.contains("tp-otlp-test") && body.contains("chart_read"), "export lacks service or span name");
}
