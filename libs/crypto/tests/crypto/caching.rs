//! Vault is called at most once per tenant per data-key TTL on the hot path.

use std::time::Duration;

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
async fn an_expired_data_key_is_fetched_again_once() {
    tp_testkit::init();
    let keyring = records_keyring(1).await;
    let (tenant, _other) = (tenant_with_key().await, tenant_with_key().await);
    let field = note_body(Uuid::now_v7());
    let first = keyring.encrypt(&tenant, &field, b"one").await.unwrap();
    keyring.decrypt(&tenant, &field, &first).await.unwrap();
    assert_eq!(keyring.vault_calls(), 1);

    tokio::time::sleep(Duration::from_millis(1100)).await;
    for _ in 0..10 {
        let sealed = keyring.encrypt(&tenant, &field, b"two").await.unwrap();
        keyring.decrypt(&tenant, &field, &sealed).await.unwrap();
    }

    assert_eq!(keyring.vault_calls(), 2);
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
