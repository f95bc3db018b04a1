//! Transit: tenant keys as each role may use them, rotation, deletion, signatures.

use tp_ids::{Service, TenantId};
use tp_testkit::vault::{create_tenant_key, root_vault, service_vault};
use tp_vault::{SigningKeyType, VaultError, tenant_key_name};

#[tokio::test]
async fn records_approle_uses_a_tenant_key_the_root_created() {
    tp_testkit::init();
    // Arrange
    let tenant = TenantId::generate();
    create_tenant_key(&tenant).await;
    let key = tenant_key_name(&tenant);
    let records = service_vault(Service::Records).await;

    // Act
    let data_key = records.generate_data_key(&key).await.unwrap();
    let unwrapped = records.decrypt(&key, &data_key.wrapped).await.unwrap();
    let ciphertext = records.encrypt(&key, b"blood type: O+").await.unwrap();
    let plaintext = records.decrypt(&key, &ciphertext).await.unwrap();

    // Assert
    assert!(data_key.wrapped.starts_with("vault:v1:"), "{}", data_key.wrapped);
    assert_eq!(unwrapped.as_slice(), data_key.plaintext.as_slice());
    assert_ne!(*data_key.plaintext, [0u8; 32]);
    assert!(ciphertext.starts_with("vault:v1:"));
    assert_eq!(plaintext.as_slice(), b"blood type: O+");
}

#[tokio::test]
async fn one_tenants_ciphertext_is_rejected_under_another_tenants_key() {
    tp_testkit::init();
    let (a, b) = (TenantId::generate(), TenantId::generate());
    create_tenant_key(&a).await;
    create_tenant_key(&b).await;
    let records = service_vault(Service::Records).await;
    let ciphertext = records.encrypt(&tenant_key_name(&a), b"note").await.unwrap();

    let result = records.decrypt(&tenant_key_name(&b), &ciphertext).await;

    assert!(matches!(result, Err(VaultError::Rejected(_))), "{result:?}");
}

#[tokio::test]
async fn a_missing_key_is_not_found() {
    tp_testkit::init();
    let records = service_vault(Service::Records).await;

    let result = records.generate_data_key(&tenant_key_name(&TenantId::generate())).await;

    assert!(matches!(result, Err(VaultError::NotFound(_))), "{result:?}");
}

#[tokio::test]
async fn records_role_is_denied_deleting_a_tenant_key_and_identity_role_shreds_it() {
    tp_testkit::init();
    // Arrange
    let tenant = TenantId::generate();
    create_tenant_key(&tenant).await;
    let key = tenant_key_name(&tenant);
    let records = service_vault(Service::Records).await;
    let identity = service_vault(Service::Identity).await;
    let ciphertext = records.encrypt(&key, b"note").await.unwrap();

    // Act
    let by_records = records.delete_key(&key).await;
    let by_identity = identity.delete_key(&key).await;

    // Assert
    assert!(matches!(by_records, Err(VaultError::Denied(_))), "{by_records:?}");
    assert!(by_identity.is_ok(), "{by_identity:?}");
    let after = records.decrypt(&key, &ciphertext).await;
    assert!(matches!(after, Err(VaultError::NotFound(_))), "shredded data must be unreadable: {after:?}");
}

#[tokio::test]
async fn rotation_keeps_old_ciphertext_decryptable_and_encrypts_with_the_new_version() {
    tp_testkit::init();
    let tenant = TenantId::generate();
    create_tenant_key(&tenant).await;
    let key = tenant_key_name(&tenant);
    let identity = service_vault(Service::Identity).await;
    let records = service_vault(Service::Records).await;
    let old = records.encrypt(&key, b"before rotation").await.unwrap();

    identity.rotate_key(&key).await.unwrap();

    assert_eq!(records.decrypt(&key, &old).await.unwrap().as_slice(), b"before rotation");
    let new = records.encrypt(&key, b"after rotation").await.unwrap();
    assert!(new.starts_with("vault:v2:"), "{new}");
}

#[tokio::test]
async fn creating_an_existing_key_succeeds() {
    tp_testkit::init();
    let identity = service_vault(Service::Identity).await;
    let tenant_key = tenant_key_name(&TenantId::generate());
    let signing_key = format!("identity-{}", TenantId::generate());

    for attempt in 0..2 {
        identity.create_key(&tenant_key).await.unwrap_or_else(|e| panic!("attempt {attempt}: {e:?}"));
        identity
            .create_signing_key(&signing_key, SigningKeyType::Ed25519)
            .await
            .unwrap_or_else(|e| panic!("attempt {attempt}: {e:?}"));
    }
}

#[tokio::test]
async fn create_of_an_existing_key_succeeds_for_a_role_that_may_only_read_it() {
    tp_testkit::init();
    // Arrange: transit treats every write to keys/<name> as an update, which records' policy
    // (read on tenant-*) does not grant; the key exists already, as identity created it.
    let tenant = TenantId::generate();
    create_tenant_key(&tenant).await;
    let records = service_vault(Service::Records).await;

    // Act
    let result = records.create_key(&tp_vault::tenant_key_name(&tenant)).await;

    // Assert
    assert!(result.is_ok(), "{result:?}");
}

#[tokio::test]
async fn identity_signs_and_verifies_with_its_keys_and_records_may_not_sign() {
    tp_testkit::init();
    let identity = service_vault(Service::Identity).await;
    let records = service_vault(Service::Records).await;
    for key_type in [SigningKeyType::EcdsaP256, SigningKeyType::Ed25519] {
        let key = format!("identity-{}", TenantId::generate());
        identity.create_signing_key(&key, key_type).await.unwrap();

        let signature = identity.sign(&key, b"header.payload").await.unwrap();

        assert!(signature.starts_with("vault:v1:"), "{key_type:?}: {signature}");
        assert!(identity.verify(&key, b"header.payload", &signature).await.unwrap(), "{key_type:?}");
        assert!(!identity.verify(&key, b"header.tampered", &signature).await.unwrap(), "{key_type:?}");
        let denied = records.sign(&key, b"header.payload").await;
        assert!(matches!(denied, Err(VaultError::Denied(_))), "{key_type:?}: {denied:?}");
    }
}

#[tokio::test]
async fn a_corrupt_ciphertext_is_rejected_with_a_safe_message() {
    tp_testkit::init();
    let tenant = TenantId::generate();
    create_tenant_key(&tenant).await;
    let root = root_vault().await;

    let err = root.decrypt(&tenant_key_name(&tenant), "vault:v1:c2VjcmV0LXBheWxvYWQ=").await.unwrap_err();

    assert!(matches!(err, VaultError::Rejected(_)), "{err:?}");
    assert_eq!(err.to_string(), "secrets service rejected the request");
    assert!(!format!("{err:?}").contains("c2VjcmV0"), "{err:?}");
}

#[tokio::test]
async fn jws_signatures_are_raw_64_bytes_pinned_to_the_version_asked_for() {
    tp_testkit::init();
    // Arrange
    let identity = service_vault(Service::Identity).await;
    let key = format!("identity-{}", TenantId::generate());
    identity.create_signing_key(&key, SigningKeyType::EcdsaP256).await.unwrap();
    identity.rotate_key(&key).await.unwrap();

    // Act
    let (latest, latest_sig) = identity.sign_jws(&key, None, b"header.payload").await.unwrap();
    let (pinned, pinned_sig) = identity.sign_jws(&key, Some(1), b"header.payload").await.unwrap();
    let versions = identity.read_public_keys(&key).await.unwrap();

    // Assert: r || s of P-256, not ASN.1 (which would be 70-72 bytes)
    assert_eq!((latest, latest_sig.len()), (2, 64));
    assert_eq!((pinned, pinned_sig.len()), (1, 64));
    let numbers: Vec<u64> = versions.iter().map(|v| v.version).collect();
    assert_eq!(numbers, [1, 2]);
    assert!(versions.iter().all(|v| v.public_key_pem.starts_with("-----BEGIN PUBLIC KEY-----")), "{versions:?}");
    assert!(versions.iter().all(|v| !v.creation_time.is_empty()));
}
