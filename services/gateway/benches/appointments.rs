//! End-to-end figures for issue 6's scheduling paths, through the gateway: booking (token
//! admission, GraphQL, scheduling's directory check with identity, consent's readiness with
//! its signatures' decryption, the insert under the exclusion constraints and the audit
//! insert), a day's appointments listed by the front desk, and the telehealth room read
//! (consent's recording answer, the row and the audit insert).
//!
//! The platform is the one the gateway's tests run, built in release mode, on real
//! PostgreSQL, Redis and OpenBao (`infra/dev/deps up --profile test`, `TP_ENV_FILE`), for
//! the reason `note_read` gives. Bookings cannot repeat (each slot is booked once), so they
//! are timed here, one request after another and then from 8 callers at once; the reads
//! are `hey`'s, for a fixed time. Run with `cargo bench -p tp-gateway --bench appointments`.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a benchmark's set-up: a failed step must stop it where it failed"
)]

#[expect(dead_code, reason = "the tests' harness, of which the benchmark needs a part")]
#[path = "../tests/api/harness.rs"]
mod harness;

mod common;

use std::time::{Duration, Instant};

use chrono::{DurationRound as _, Utc};
use serde_json::json;

const DURATION: &str = "10s";
const BOOK: &str = "mutation($client: ID!, $clinician: ID!, $s: DateTime!, $e: DateTime!) { bookAppointment(input: \
                    {clientId: $client, clinicianId: $clinician, startsAt: $s, endsAt: $e, modality: TELEHEALTH}) { id } }";
/// Bookings timed one after another, then by each of the 8 concurrent callers.
const SEQUENTIAL: i64 = 200;
const CONCURRENT: (i64, i64) = (8, 40);

#[tokio::main]
async fn main() {
    let platform = harness::spawn_with(|figment| {
        figment
            .merge(("gateway.rate_limit.per_ip_per_minute", 1_000_000_000))
            .merge(("gateway.rate_limit.per_principal_per_minute", 1_000_000_000))
    })
    .await;
    let tenant = platform.tenant().await;
    let admin = platform.person(tenant, &["practice_admin"]).await;
    let staff = platform.person(tenant, &["staff"]).await;
    // Two required documents, signed: readiness decrypts them on every booking.
    let require = r#"mutation { setConsentRequirements(templates: ["informed-consent", "telehealth"]) }"#;
    assert!(platform.gql(Some(&admin.token), require, json!({})).await.1["errors"].is_null());
    let mut pairs = Vec::new();
    for _ in 0..CONCURRENT.0 {
        let clinician = platform.person(tenant, &["clinician"]).await;
        let client = platform.person(tenant, &["client"]).await;
        for template in ["informed-consent", "telehealth", "recording"] {
            sign(&platform, &client, template).await;
        }
        pairs.push((clinician, client));
    }
    let first_hour = Utc::now().duration_trunc(chrono::Duration::hours(1)).unwrap() + chrono::Duration::days(1);
    println!("bench: machine: {} cores; 2 required documents signed", common::num_cpus());

    // Bookings, one after another: one pair, consecutive hours.
    let (clinician, client) = &pairs[0];
    let started = Instant::now();
    let mut times = Vec::new();
    for hour in 0..SEQUENTIAL {
        times
            .push(book(&platform, &staff.token, (client, clinician), first_hour + chrono::Duration::hours(hour)).await);
    }
    report("bookAppointment, 1 caller", &mut times, started.elapsed());

    // Bookings from 8 callers at once, each its own pair, after the sequential ones.
    let started = Instant::now();
    let workers = pairs.iter().map(|(clinician, client)| {
        let (platform, staff) = (&platform, &staff);
        async move {
            let mut times = Vec::new();
            for hour in SEQUENTIAL..SEQUENTIAL + CONCURRENT.1 {
                let at = first_hour + chrono::Duration::hours(hour);
                times.push(book(platform, &staff.token, (client, clinician), at).await);
            }
            times
        }
    });
    let mut times: Vec<Duration> = futures_util::future::join_all(workers).await.into_iter().flatten().collect();
    report("bookAppointment, 8 callers", &mut times, started.elapsed());

    // Reads, by hey: the front desk's day (24 appointments of the first pair) and the room.
    let url = format!("{}/graphql", platform.gateway().address);
    let day = format!(
        r#"{{ appointments(from: "{}", to: "{}") {{ id clientId clinicianId startsAt endsAt status }} }}"#,
        first_hour.to_rfc3339(),
        (first_hour + chrono::Duration::days(1)).to_rfc3339()
    );
    let (_, body) = platform.gql(Some(&staff.token), &day, json!({})).await;
    assert_eq!(body["data"]["appointments"].as_array().map(Vec::len), Some(24), "{body}");
    let id = body["data"]["appointments"][0]["id"].as_str().unwrap().to_owned();
    let room = format!(r#"{{ telehealthRoom(appointmentId: "{id}") {{ recordingConsented recording }} }}"#);
    let (_, body) = platform.gql(Some(&clinician.token), &room, json!({})).await;
    assert_eq!(body["data"]["telehealthRoom"]["recordingConsented"], true, "{body}");
    for (name, token, read) in
        [("appointments (a day, 24)", &staff.token, &day), ("telehealthRoom", &clinician.token, &room)]
    {
        let query = json!({ "query": read }).to_string();
        for connections in [1, 16] {
            println!(
                "  {name}, {connections:2} connections: {}",
                common::hey(&url, (token, &query), DURATION, (connections, None))
            );
        }
    }
}

/// `client` reads `template` and signs it as read.
async fn sign(platform: &harness::Platform, client: &harness::Person, template: &str) {
    let read = "query($k: String!) { consentTemplate(key: $k) { key version bodySha256 } }";
    let (_, body) = platform.gql(Some(&client.token), read, json!({ "k": template })).await;
    let t = &body["data"]["consentTemplate"];
    let sign = "mutation($c: ID!, $t: String!, $v: Int!, $h: String!) { signConsentDocument(clientId: $c, \
                input: {template: $t, version: $v, textSha256: $h, typedName: \"Bench Client\"}) { id } }";
    let vars = json!({ "c": client.user.to_string(), "t": t["key"], "v": t["version"], "h": t["bodySha256"] });
    assert!(platform.gql(Some(&client.token), sign, vars).await.1["errors"].is_null(), "{template}");
}

/// One booking of an hour from `at`, timed; anything but a booking stops the benchmark.
async fn book(
    platform: &harness::Platform,
    token: &str,
    (client, clinician): (&harness::Person, &harness::Person),
    at: chrono::DateTime<Utc>,
) -> Duration {
    let vars = json!({
        "client": client.user.to_string(), "clinician": clinician.user.to_string(),
        "s": at.to_rfc3339(), "e": (at + chrono::Duration::minutes(50)).to_rfc3339(),
    });
    let started = Instant::now();
    let (_, body) = platform.gql(Some(token), BOOK, vars).await;
    let took = started.elapsed();
    assert!(body["data"]["bookAppointment"]["id"].is_string(), "{body}");
    took
}

/// Throughput, p50 and p99 of `times`, taken in `elapsed`.
fn report(name: &str, times: &mut [Duration], elapsed: Duration) {
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)].as_secs_f64() * 1000.0;
    println!(
        "  {name}: {} bookings, {:.0} req/s   p50 {:.2} ms   p99 {:.2} ms",
        times.len(),
        times.len() as f64 / elapsed.as_secs_f64(),
        at(0.50),
        at(0.99)
    );
}
