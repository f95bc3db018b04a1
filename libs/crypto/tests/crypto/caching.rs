//! Vault is called at most once per tenant per data-key TTL on the hot path, concurrent
//! misses share one call, and each tenant's keys are cached, expire and are forgotten apart.

use std::time::Duration;

use tp_crypto::CryptoError;
use uuid::Uuid;

use crate::fixture::{note_body, records_keyring, tenant_with_key};

#[tokio::test]
async fn a_hundred_fields_for_each_of_two_tenants_cost_one_vault_call_per_tenant() {
    tp_testkit::init();
    // Arrange
    let keyring = records_keyring(300).await;
    let tenants = [tenant_with_key().await, tenant_with_key().await];

    // Act
    for tenant in &tenants {
        for n in 0..100u32 {
            let field = note_body(Uuid::now_v7());
            let plaintext = format!("field {n}");
            let sealed = keyring.encrypt(tenant, &field, plaintext.as_bytes()).await.unwrap();
            let opened = keyring.decrypt(tenant, &field, &sealed).await.unwrap();
            assert_eq!(opened.as_slice(), plaintext.as_bytes());
        }
    }

    // Assert
    assert_eq!(keyring.vault_calls(), 2);
}

#[tokio::test]
async fn an_expired_data_key_is_fetched_again_once_and_only_for_its_own_tenant() {
    tp_testkit::init();
    // Arrange: the other tenant's key is cached 600 ms later, so it is still fresh when the
    // first one has expired (TTL 1 s).
    let keyring = records_keyring(1).await;
    let (tenant, other) = (tenant_with_key().await, tenant_with_key().await);
    let field = note_body(Uuid::now_v7());
    let first = keyring.encrypt(&tenant, &field, b"one").await.unwrap();
    keyring.decrypt(&tenant, &field, &first).await.unwrap();
    tokio::time::sleep(Duration::from_millis(600)).await;
    let others = keyring.encrypt(&other, &field, b"other").await.unwrap();
    assert_eq!(keyring.vault_calls(), 2);

    // Act
    tokio::time::sleep(Duration::from_millis(550)).await;
    for _ in 0..10 {
        let sealed = keyring.encrypt(&tenant, &field, b"two").await.unwrap();
        keyring.decrypt(&tenant, &field, &sealed).await.unwrap();
    }
    let tenant_calls = keyring.vault_calls();
    keyring.encrypt(&other, &field, b"other again").await.unwrap();
    keyring.decrypt(&other, &field, &others).await.unwrap();

    // Assert
    assert_eq!(tenant_calls, 3, "one new data key for the expired tenant");
    assert_eq!(keyring.vault_calls(), 3, "the other tenant's key was still cached");
    let crossed = keyring.decrypt(&tenant, &field, &others).await;
    assert!(matches!(crossed, Err(CryptoError::DecryptFailed(_))), "{crossed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_decryptions_on_a_cold_cache_share_one_unwrap_per_tenant_and_wrapped_key() {
    tp_testkit::init();
    // Arrange: a page of 32 rows sealed with one data key, and a row of another tenant.
    let keyring = records_keyring(300).await;
    let (tenant, other) = (tenant_with_key().await, tenant_with_key().await);
    let mut rows = Vec::new();
    for n in 0..32u32 {
        let row = Uuid::now_v7();
        rows.push((
            tenant,
            row,
            keyring.encrypt(&tenant, &note_body(row), format!("row {n}").as_bytes()).await.unwrap(),
        ));
    }
    let other_row = Uuid::now_v7();
    rows.push((other, other_row, keyring.encrypt(&other, &note_body(other_row), b"other").await.unwrap()));
    assert_eq!(keyring.vault_calls(), 2);
    keyring.clear_cache();

    // Act
    let mut tasks = tokio::task::JoinSet::new();
    for (tenant, row, sealed) in rows {
        let keyring = keyring.clone();
        tasks.spawn(async move { keyring.decrypt(&tenant, &note_body(row), &sealed).await });
    }
    let results = tasks.join_all().await;

    // Assert
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(keyring.vault_calls(), 4, "one unwrap per tenant's wrapped key, however many rows raced");
}

#[tokio::test]
async fn forgetting_a_tenant_sends_only_that_tenant_back_to_vault() {
    tp_testkit::init();
    let keyring = records_keyring(300).await;
    let (offboarded, other) = (tenant_with_key().await, tenant_with_key().await);
    let field = note_body(Uuid::now_v7());
    let sealed = keyring.encrypt(&offboarded, &field, b"leaving").await.unwrap();
    let others = keyring.encrypt(&other, &field, b"staying").await.unwrap();

    keyring.forget_tenant(&offboarded);

    assert_eq!(keyring.decrypt(&other, &field, &others).await.unwrap().as_slice(), b"staying");
    assert_eq!(keyring.vault_calls(), 2, "the other tenant's keys are still cached");
    assert_eq!(keyring.decrypt(&offboarded, &field, &sealed).await.unwrap().as_slice(), b"leaving");
    assert_eq!(keyring.vault_calls(), 3, "the forgotten tenant's key had to be unwrapped again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_first_encryptions_for_a_tenant_share_one_vault_call() {
    tp_testkit::init();
    let keyring = records_keyring(300).await;
    let (tenant, other) = (tenant_with_key().await, tenant_with_key().await);
    let mut tasks = tokio::task::JoinSet::new();

    for n in 0..32u32 {
        let (keyring, tenant) = (keyring.clone(), if n % 2 == 0 { tenant } else { other });
        tasks.spawn(async move { keyring.encrypt(&tenant, &note_body(Uuid::now_v7()), b"x").await });
    }
    while let Some(result) = tasks.join_next().await {
        result.unwrap().unwrap();
    }

    assert_eq!(keyring.vault_calls(), 2, "one data key per tenant, however many callers raced");
}
