//! KV v2: each service confined to its own subtree.

use serde_json::json;
use tp_ids::Service;
use tp_testkit::vault::service_vault;
use tp_vault::VaultError;

#[tokio::test]
async fn kv_round_trips_in_the_services_own_path_and_is_denied_in_another_services() {
    tp_testkit::init();
    // Arrange
    let records = service_vault(Service::Records).await;
    let own = format!("records/test-{}", uuid::Uuid::new_v4());
    let foreign = format!("identity/test-{}", uuid::Uuid::new_v4());
    let value = json!({ "api_key": "k-123", "rotated": false });

    // Act
    let missing = records.kv_get(&own).await.unwrap();
    records.kv_put(&own, &value).await.unwrap();
    let read = records.kv_get(&own).await.unwrap();
    let put_foreign = records.kv_put(&foreign, &value).await;
    let get_foreign = records.kv_get(&foreign).await;

    // Assert
    assert_eq!(missing, None);
    assert_eq!(read, Some(value));
    assert!(matches!(put_foreign, Err(VaultError::Denied(_))), "{put_foreign:?}");
    assert!(matches!(get_foreign, Err(VaultError::Denied(_))), "{get_foreign:?}");
}

#[tokio::test]
async fn kv_delete_removes_every_version_and_tolerates_a_missing_secret() {
    tp_testkit::init();
    // Arrange
    let records = service_vault(Service::Records).await;
    let path = format!("records/test-{}", uuid::Uuid::new_v4());
    records.kv_put(&path, &json!({ "v": 1 })).await.unwrap();
    records.kv_put(&path, &json!({ "v": 2 })).await.unwrap();

    // Act
    records.kv_delete(&path).await.unwrap();
    let again = records.kv_delete(&path).await;

    // Assert: the metadata is gone too, so no older version is left to read or undelete
    // (a soft delete would keep it).
    assert_eq!(records.kv_get(&path).await.unwrap(), None);
    let env = tp_testkit::TestEnv::get();
    let settings = vaultrs::client::VaultClientSettingsBuilder::default()
        .address(env.vault_addr())
        .token(env.vault_root_token())
        .build()
        .unwrap();
    let root = vaultrs::client::VaultClient::new(settings).unwrap();
    let metadata = vaultrs::kv2::read_metadata(&root, "secret", &path).await;
    assert!(metadata.is_err(), "metadata survived the delete");
    assert!(again.is_ok(), "{again:?}");
}
