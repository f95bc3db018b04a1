//! What the gateway's end-to-end benchmarks share: `hey` runs and its report as one line.

use std::process::Command;

/// The machine's cores, for the report's first line.
pub fn num_cpus() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// `hey` POSTing `body` as JSON with `token` to `url` for `duration` over `connections`
/// (closed loop, or `per_connection` requests a second each): its report as one line.
pub fn hey(
    url: &str,
    (token, body): (&str, &str),
    duration: &str,
    (connections, per_connection): (u32, Option<u32>),
) -> String {
    let mut hey = Command::new("hey");
    hey.args(["-z", duration, "-c", &connections.to_string(), "-m", "POST", "-T", "application/json"]);
    if let Some(rate) = per_connection {
        hey.args(["-q", &rate.to_string()]);
    }
    hey.args(["-H", &format!("Authorization: Bearer {token}"), "-d", body, url]);
    let output = hey.output().expect("hey runs (infra/bench/load installs it)");
    summary(&String::from_utf8_lossy(&output.stdout))
}

/// hey's report as one line: throughput, p50, p99 and the status codes seen.
pub fn summary(report: &str) -> String {
    let field = |prefix: &str| {
        report.lines().find_map(|line| line.trim().strip_prefix(prefix)).and_then(|rest| rest.split_whitespace().next())
    };
    let ms = |value: Option<&str>| value.and_then(|v| v.parse::<f64>().ok()).map_or(f64::NAN, |s| s * 1000.0);
    let codes: Vec<&str> = report.lines().filter(|l| l.trim_start().starts_with('[')).map(str::trim).collect();
    format!(
        "{} req/s   p50 {:.2} ms   p99 {:.2} ms   status {}",
        field("Requests/sec:").unwrap_or("?"),
        ms(field("50% in")),
        ms(field("99% in")),
        codes.join(", ")
    )
}
