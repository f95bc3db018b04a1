//! Throughput of field encryption: the AEAD envelope alone and through a `Keyring` with a
//! cached data key (1 KiB and 64 KiB), and for comparison one Vault transit round trip of
//! 1 KiB, which is what a per-field Vault call would cost. Targets: 1 KiB in ≤ 3 µs, 64 KiB
//! at ≥ 1 GB/s.
//!
//! The Keyring and Vault groups need the test profile's OpenBao
//! (`infra/dev/deps up --profile test`); without its env file they are skipped with a
//! message. Run: `cargo bench -p tp-crypto --bench envelope`.

#![expect(clippy::expect_used, reason = "a benchmark stops at the first failure, with its cause")]

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use tokio::runtime::Runtime;
use tp_config::CryptoSettings;
use tp_crypto::envelope::{self, Envelope, FieldKey};
use tp_crypto::{FieldContext, Keyring, tenant_key_name};
use tp_ids::TenantId;
use uuid::Uuid;

const SIZES: [(usize, &str); 2] = [(1024, "1KiB"), (64 * 1024, "64KiB")];

fn field() -> FieldContext<'static> {
    FieldContext::new("records.notes", "body", Uuid::from_u128(7))
}

fn bench_envelope(c: &mut Criterion) {
    let key =
        FieldKey::new(&[7u8; 32], "vault:v1:YmVuY2htYXJrIHdyYXBwZWQga2V5IGJ5dGVzIGZvciB0aGUgZW52ZWxvcGUgYmVuY2g=")
            .expect("valid wrapped key");
    let tenant = TenantId::generate();
    let mut group = c.benchmark_group("envelope");
    for (size, label) in SIZES {
        let plaintext = vec![0x5a_u8; size];
        let sealed = envelope::seal(&key, &tenant, &field(), &plaintext).expect("seal");
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_with_input(BenchmarkId::new("seal", label), &plaintext, |b, pt| {
            b.iter(|| envelope::seal(&key, &tenant, &field(), black_box(pt)).expect("seal"))
        });
        group.bench_with_input(BenchmarkId::new("open", label), &sealed, |b, ct| {
            b.iter(|| {
                let parsed = Envelope::parse(black_box(ct)).expect("parse");
                envelope::open(&key, &tenant, &field(), &parsed).expect("open")
            })
        });
    }
    group.finish();
}

/// The production path with a warm cache: lock, lookup, seal/open. `block_on` of a future
/// that never suspends adds well under a microsecond.
fn bench_keyring_cached(c: &mut Criterion) {
    let Some(rt) = runtime_with_test_profile("keyring_cached") else { return };
    let tenant = TenantId::generate();
    let keyring = rt.block_on(async {
        tp_testkit::vault::create_tenant_key(&tenant).await;
        Keyring::new(tp_testkit::vault::root_vault().await, &CryptoSettings::default()).expect("default settings")
    });
    let mut group = c.benchmark_group("keyring_cached");
    for (size, label) in SIZES {
        let plaintext = vec![0x5a_u8; size];
        let sealed = rt.block_on(keyring.encrypt(&tenant, &field(), &plaintext)).expect("warm the cache");
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_with_input(BenchmarkId::new("encrypt", label), &plaintext, |b, pt| {
            b.iter(|| rt.block_on(keyring.encrypt(&tenant, &field(), black_box(pt))).expect("encrypt"))
        });
        group.bench_with_input(BenchmarkId::new("decrypt", label), &sealed, |b, ct| {
            b.iter(|| rt.block_on(keyring.decrypt(&tenant, &field(), black_box(ct))).expect("decrypt"))
        });
    }
    group.finish();
    assert_eq!(keyring.vault_calls(), 1, "the benchmark must have run on the cached key");
}

/// One transit encrypt + decrypt of 1 KiB over loopback HTTP with keep-alive.
fn bench_vault_transit(c: &mut Criterion) {
    let Some(rt) = runtime_with_test_profile("vault_transit") else { return };
    let tenant = TenantId::generate();
    let key = tenant_key_name(&tenant);
    let vault = rt.block_on(async {
        tp_testkit::vault::create_tenant_key(&tenant).await;
        tp_testkit::vault::root_vault().await
    });
    let plaintext = vec![0x5a_u8; 1024];
    let mut group = c.benchmark_group("vault_transit");
    // ~0.4-0.75 ms per iteration: fewer samples keep this group within a few seconds.
    group.sample_size(30);
    group.throughput(Throughput::Bytes(1024));
    // What one field would cost if every encryption went to Vault (the design we rejected).
    group.bench_function(BenchmarkId::new("encrypt", "1KiB"), |b| {
        b.iter(|| rt.block_on(async { vault.encrypt(&key, black_box(&plaintext)).await.expect("transit encrypt") }))
    });
    group.bench_function(BenchmarkId::new("encrypt_decrypt", "1KiB"), |b| {
        b.iter(|| {
            rt.block_on(async {
                let ciphertext = vault.encrypt(&key, black_box(&plaintext)).await.expect("transit encrypt");
                vault.decrypt(&key, &ciphertext).await.expect("transit decrypt")
            })
        })
    });
    group.finish();
}

/// A runtime for the groups that need the test profile, or `None` (with a message) when its
/// env file is absent. Mirrors `tp_testkit::env`'s lookup, which panics instead.
fn runtime_with_test_profile(group: &str) -> Option<Runtime> {
    let path = std::env::var_os("TP_ENV_FILE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.dev/test/env"));
    if !path.exists() {
        eprintln!("skipping {group}: {} not found (run `infra/dev/deps up --profile test`)", path.display());
        return None;
    }
    tp_testkit::init();
    Some(tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime"))
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2));
    targets = bench_envelope, bench_keyring_cached, bench_vault_transit
}
criterion_main!(benches);
