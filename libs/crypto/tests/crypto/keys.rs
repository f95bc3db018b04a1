//! Tenant key lifecycle as seen by a keyring: rotation, shredding, missing keys.

use tp_crypto::envelope::Envelope;
use tp_crypto::{CryptoError, tenant_key_name};
use tp_ids::{Service, TenantId};
use tp_testkit::vault::service_vault;
use uuid::Uuid;

use crate::fixture::{note_body, records_keyring, tenant_with_key};

#[tokio::test]
async fn after_a_rotation_old_values_decrypt_and_new_values_use_the_new_key_version() {
    tp_testkit::init();
    // Arrange
    let keyring = records_keyring(300).await;
    let (tenant, other) = (tenant_with_key().await, tenant_with_key().await);
    let field = note_body(Uuid::now_v7());
    let old = keyring.encrypt(&tenant, &field, b"written before rotation").await.unwrap();
    let others = keyring.encrypt(&other, &field, b"other tenant").await.unwrap();

    // Act
    service_vault(Service::Identity).await.rotate_key(&tenant_key_name(&tenant)).await.unwrap();
    keyring.clear_cache();
    let new = keyring.encrypt(&tenant, &field, b"written after rotation").await.unwrap();

    // Assert
    assert_eq!(Envelope::parse(&old).unwrap().key_version(), 1);
    assert_eq!(Envelope::parse(&new).unwrap().key_version(), 2);
    assert_eq!(keyring.decrypt(&tenant, &field, &old).await.unwrap().as_slice(), b"written before rotation");
    assert_eq!(keyring.decrypt(&tenant, &field, &new).await.unwrap().as_slice(), b"written after rotation");
    assert_eq!(keyring.decrypt(&other, &field, &others).await.unwrap().as_slice(), b"other tenant");
}

#[tokio::test]
async fn a_shredded_tenant_cannot_encrypt_or_decrypt_and_others_are_unaffected() {
    tp_testkit::init();
    let keyring = records_keyring(300).await;
    let (shredded, other) = (tenant_with_key().await, tenant_with_key().await);
    let field = note_body(Uuid::now_v7());
    let sealed = keyring.encrypt(&shredded, &field, b"gone soon").await.unwrap();
    let others = keyring.encrypt(&other, &field, b"stays").await.unwrap();

    service_vault(Service::Identity).await.delete_key(&tenant_key_name(&shredded)).await.unwrap();
    keyring.clear_cache();

    let decrypted = keyring.decrypt(&shredded, &field, &sealed).await;
    let encrypted = keyring.encrypt(&shredded, &field, b"new").await;
    assert!(matches!(decrypted, Err(CryptoError::UnknownTenantKey(_))), "{decrypted:?}");
    assert!(matches!(encrypted, Err(CryptoError::UnknownTenantKey(_))), "{encrypted:?}");
    assert_eq!(keyring.decrypt(&other, &field, &others).await.unwrap().as_slice(), b"stays");
}

#[tokio::test]
async fn a_tenant_without_a_key_gets_unknown_tenant_key() {
    tp_testkit::init();
    let keyring = records_keyring(300).await;

    let result = keyring.encrypt(&TenantId::generate(), &note_body(Uuid::now_v7()), b"x").await;

    let err = result.unwrap_err();
    assert!(matches!(err, CryptoError::UnknownTenantKey(_)), "{err:?}");
    assert_eq!(err.to_string(), "tenant encryption key not found");
}
