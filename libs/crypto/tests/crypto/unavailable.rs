//! With Vault gone and the cache empty, nothing is encrypted or decrypted: no plaintext
//! fallback, and an error the caller can report as a 503.

use tp_config::CryptoSettings;
use tp_crypto::{CryptoError, Keyring, tenant_key_name};
use tp_errors::{ErrorKind, ServiceError as _};
use tp_ids::TenantId;
use tp_testkit::vault::BaoServer;
use uuid::Uuid;

use crate::fixture::note_body;

#[tokio::test]
async fn with_vault_stopped_encryption_and_decryption_fail_as_unavailable() {
    tp_testkit::init();
    // Arrange: a private OpenBao we are allowed to kill.
    let server = BaoServer::start().await;
    let (tenant, other) = (TenantId::generate(), TenantId::generate());
    for t in [&tenant, &other] {
        server.vault().create_key(&tenant_key_name(t)).await.unwrap();
    }
    let keyring = Keyring::new(server.vault(), &CryptoSettings::default()).unwrap();
    let field = note_body(Uuid::now_v7());
    let sealed = keyring.encrypt(&tenant, &field, b"before the outage").await.unwrap();
    assert_eq!(keyring.decrypt(&tenant, &field, &sealed).await.unwrap().as_slice(), b"before the outage");

    // Act
    server.stop().await;
    keyring.clear_cache();
    let encrypted = keyring.encrypt(&other, &field, b"during the outage").await;
    let decrypted = keyring.decrypt(&tenant, &field, &sealed).await;

    // Assert
    let encrypt_err = encrypted.unwrap_err();
    let decrypt_err = decrypted.unwrap_err();
    for err in [&encrypt_err, &decrypt_err] {
        assert!(matches!(err, CryptoError::Unavailable(_)), "{err:?}");
        assert_eq!(err.to_string(), "encryption service unavailable");
        assert_eq!(err.code(), "CRYPTO_UNAVAILABLE");
        assert_eq!(err.kind(), ErrorKind::Unavailable);
    }
}

#[tokio::test]
async fn with_vault_stopped_concurrent_first_encryptions_share_one_failed_vault_call() {
    tp_testkit::init();
    // Arrange: a keyring whose Vault is gone before its first call.
    let server = BaoServer::start().await;
    let keyring = Keyring::new(server.vault(), &CryptoSettings::default()).unwrap();
    server.stop().await;
    let (tenant, other) = (TenantId::generate(), TenantId::generate());

    // Act: one runtime thread, so every task has joined the first call before it fails.
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..16 {
        let keyring = keyring.clone();
        tasks.spawn(async move { keyring.encrypt(&tenant, &note_body(Uuid::now_v7()), b"x").await });
    }
    let results = tasks.join_all().await;
    let calls_for_tenant = keyring.vault_calls();
    let for_other = keyring.encrypt(&other, &note_body(Uuid::now_v7()), b"x").await;

    // Assert
    assert!(results.iter().all(|r| matches!(r, Err(CryptoError::Unavailable(_)))), "{results:?}");
    assert_eq!(calls_for_tenant, 1, "waiters share the failed call instead of each repeating it");
    assert!(matches!(for_other, Err(CryptoError::Unavailable(_))), "{for_other:?}");
    assert_eq!(keyring.vault_calls(), 2, "a failure is not remembered: the next miss asks Vault again");
}
