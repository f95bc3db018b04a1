//! `telehealthctl status`: is every service up and are its dependencies reachable?
//!
//! Polls `/readyz` of each service (default ports as in ARCHITECTURE.md section 9, shifted
//! together by `--port-base`), optionally
//! until all are ready, with a bounded wait. `just run` uses it to print the URLs only once
//! the platform really answers.

use std::time::{Duration, Instant};

use serde::Serialize;
use tp_ids::Service;

use crate::CtlError;

#[derive(Serialize)]
struct ServiceStatus {
    service: &'static str,
    url: String,
    ready: bool,
    /// The service's own readiness report, or why it could not be fetched.
    detail: serde_json::Value,
}

pub async fn run(host: &str, port_base: u16, wait_secs: u64, json: bool) -> Result<(), CtlError> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(3))
        .build()
        .map_err(|e| CtlError::Config(format!("cannot build HTTP client: {e}")))?;
    let deadline = Instant::now() + Duration::from_secs(wait_secs);
    let statuses = loop {
        let statuses = check_all(&client, host, port_base).await;
        if statuses.iter().all(|s| s.ready) || Instant::now() >= deadline {
            break statuses;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    print(&statuses, json);
    let not_ready: Vec<_> = statuses.iter().filter(|s| !s.ready).map(|s| s.service).collect();
    if not_ready.is_empty() { Ok(()) } else { Err(CtlError::NotReady(format!("not ready: {}", not_ready.join(", ")))) }
}

async fn check_all(client: &reqwest::Client, host: &str, port_base: u16) -> Vec<ServiceStatus> {
    let gateway = Service::Gateway.default_port();
    let mut checks = tokio::task::JoinSet::new();
    for service in Service::ALL.into_iter().filter(|s| s.default_port() != 0) {
        let port = port_base.saturating_add(service.default_port() - gateway);
        let (client, url) = (client.clone(), format!("http://{host}:{port}"));
        checks.spawn(async move {
            let (ready, detail) = match client.get(format!("{url}/readyz")).send().await {
                Ok(resp) => (resp.status().is_success(), resp.json().await.unwrap_or(serde_json::Value::Null)),
                Err(e) if e.is_connect() => (false, serde_json::json!("not listening")),
                Err(e) if e.is_timeout() => (false, serde_json::json!("timed out")),
                Err(_) => (false, serde_json::json!("request failed")),
            };
            ServiceStatus { service: service.name(), url, ready, detail }
        });
    }
    let mut statuses = checks.join_all().await;
    statuses.sort_by_key(|s| s.url.clone());
    statuses
}

fn print(statuses: &[ServiceStatus], json: bool) {
    if json {
        println!("{}", serde_json::json!({ "services": statuses }));
        return;
    }
    for s in statuses {
        let mark = if s.ready { "ready" } else { "NOT READY" };
        println!("{:<11} {:<28} {mark}", s.service, s.url);
        if !s.ready {
            println!("            {}", s.detail);
        }
    }
}
