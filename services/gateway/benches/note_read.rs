//! End-to-end figure for issue 5: one 4 KiB signed progress note read through the gateway
//! (`progressNotes`: token admission, GraphQL, records' care-team check with identity, the
//! note's decryption and the audit insert in the read's own transaction), at 1 and 64
//! connections, by `hey` for a fixed time.
//!
//! The platform is the one the gateway's tests run, built in release mode: identity,
//! records, audit and the gateway in this process on real PostgreSQL, Redis and OpenBao
//! (`infra/dev/deps up --profile test`, `TP_ENV_FILE`). It runs here rather than against
//! `just run` because a clinician's token needs a signed-in clinician, which only a browser
//! sign-in with MFA gives on the running platform; the tests' harness issues one through a
//! real code exchange instead. Run with `cargo bench -p tp-gateway --bench note_read`.

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

use serde_json::json;

const DURATION: &str = "10s";

#[tokio::main]
async fn main() {
    // The benchmark measures the request path; the rate limits exist to stop one client at
    // thousands of requests a second, so they are lifted.
    let platform = harness::spawn_with(|figment| {
        figment
            .merge(("gateway.rate_limit.per_ip_per_minute", 1_000_000_000))
            .merge(("gateway.rate_limit.per_principal_per_minute", 1_000_000_000))
    })
    .await;
    let tenant = platform.tenant().await;
    let clinician = platform.person(tenant, &["clinician"]).await;
    let client = platform.person(tenant, &["client"]).await;
    platform.assign(tenant, clinician.user, client.user).await;
    let section = "Client reports improved sleep and fewer panic episodes this week. ".repeat(16);
    let create = "mutation($id: ID!, $text: String!) { createProgressNote(clientId: $id, input: {template: SOAP, \
                  sections: [{name: \"subjective\", text: $text}, {name: \"objective\", text: $text}, \
                  {name: \"assessment\", text: $text}, {name: \"plan\", text: $text}]}) { id } }";
    let (_, body) = platform.gql(Some(&clinician.token), create, json!({ "id": client.user, "text": section })).await;
    let note = body["data"]["createProgressNote"]["id"].as_str().expect("the note is created").to_owned();
    let sign = "mutation($c: ID!, $n: ID!) { signProgressNote(clientId: $c, noteId: $n) { status } }";
    let (_, body) = platform.gql(Some(&clinician.token), sign, json!({ "c": client.user, "n": note })).await;
    assert_eq!(body["data"]["signProgressNote"]["status"], "SIGNED", "{body}");

    let read = format!(r#"{{ progressNotes(clientId: "{}") {{ id status sections {{ name text }} }} }}"#, client.user);
    let query = json!({ "query": read }).to_string();
    // A 200 with `errors` would count as a success: check one answer first.
    let (_, body) = platform.gql(Some(&clinician.token), &read, json!({})).await;
    assert!(body["errors"].is_null(), "{body}");
    let text_len: usize = body["data"]["progressNotes"][0]["sections"]
        .as_array()
        .expect("one note with its sections")
        .iter()
        .map(|s| s["text"].as_str().unwrap().len())
        .sum();
    println!("bench: machine: {} cores; note of {text_len} bytes of text", common::num_cpus());
    let url = format!("{}/graphql", platform.gateway().address);
    // As many reads as the connections can make (closed loop), then the target's 2,000 reads
    // a second offered over 64 connections (hey's `-q`: 32 a second for each connection),
    // where the latency is that of a platform serving the target rate rather than of a queue
    // of 64 requests waiting for two cores.
    for (connections, per_connection) in [(1, None), (64, None), (64, Some(32))] {
        let offered = per_connection
            .map_or_else(|| "as fast as they can".to_owned(), |r| format!("{} offered/s", r * connections));
        let figures = common::hey(&url, (&clinician.token, &query), DURATION, (connections, per_connection));
        println!("  {connections:2} connections, {offered}: {figures}");
    }
}
