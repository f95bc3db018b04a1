//! Login, token upkeep and reachability.

use std::time::Duration;

use secrecy::SecretString;
use tp_ids::Service;
use tp_testkit::vault::{root_vault, service_vault, vault_settings};
use tp_vault::{Vault, VaultError};

#[tokio::test]
async fn renewing_the_token_extends_its_ttl() {
    tp_testkit::init();
    // Arrange: let the TTL (whole seconds) run down a little.
    let records = service_vault(Service::Records).await;
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let before = records.token_ttl().await.unwrap();

    // Act
    let granted = records.renew_token().await.unwrap();

    // Assert
    let after = records.token_ttl().await.unwrap();
    assert!(after > before, "ttl before {before:?}, after {after:?}");
    assert!(granted >= after, "granted {granted:?}, looked up {after:?}");
    // The token still works after renewal.
    assert!(records.kv_get("records/none").await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn operations_log_in_again_after_the_token_was_revoked() {
    tp_testkit::init();
    // Arrange: what a Vault restart or an outage beyond the token's TTL leaves behind, a
    // handle whose token Vault no longer knows. Revoked through a clone, which shares it.
    let records = service_vault(Service::Records).await;
    let identity = service_vault(Service::Identity).await;
    records.clone().revoke_token().await.unwrap();

    // Act
    let mut reads = tokio::task::JoinSet::new();
    for n in 0..8 {
        let records = records.clone();
        reads.spawn(async move { records.kv_get(&format!("records/none-{n}")).await });
    }
    let mut results = Vec::new();
    while let Some(result) = reads.join_next().await {
        results.push(result.unwrap());
    }

    // Assert
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    // A genuine denial is still one: the new token carries the same policy.
    let foreign = records.kv_get("identity/none").await;
    assert!(matches!(foreign, Err(VaultError::Denied(_))), "{foreign:?}");
    // Another service's handle was never affected.
    assert!(identity.kv_get("identity/none").await.is_ok());
}

#[tokio::test]
async fn renewing_after_the_token_was_revoked_logs_in_again() {
    tp_testkit::init();
    let records = service_vault(Service::Records).await;
    records.revoke_token().await.unwrap();

    let granted = records.renew_token().await;

    assert!(granted.is_ok(), "{granted:?}");
    assert!(records.kv_get("records/none").await.is_ok());
}

#[tokio::test]
async fn health_is_ok_on_the_test_server() {
    let root = root_vault().await;

    assert!(root.health().await.is_ok());
}

#[tokio::test]
async fn a_closed_port_is_unavailable_for_login_health_and_operations() {
    tp_testkit::init();
    // Arrange: a port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let addr = format!("http://127.0.0.1:{port}");
    let mut settings = vault_settings(Service::Records);
    settings.addr = addr.clone();
    let vault = Vault::with_token(&addr, &SecretString::from("token"), Duration::from_secs(2)).unwrap();

    // Act
    let login = Vault::login_approle(&settings).await;
    let health = vault.health().await;
    let encrypt = vault.encrypt("tenant-x", b"x").await;

    // Assert
    assert!(matches!(login, Err(VaultError::Unavailable(_))), "{login:?}");
    assert!(matches!(health, Err(VaultError::Unavailable(_))), "{health:?}");
    assert!(matches!(encrypt, Err(VaultError::Unavailable(_))), "{encrypt:?}");
}

#[tokio::test]
async fn the_renewal_task_ends_when_the_last_handle_is_dropped() {
    tp_testkit::init();
    // Arrange
    let metrics = tokio::runtime::Handle::current().metrics();
    let before = metrics.num_alive_tasks();
    let records = service_vault(Service::Records).await;
    let clone = records.clone();
    let with_handles = metrics.num_alive_tasks();

    // Act
    drop(records);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let with_clone = metrics.num_alive_tasks();
    drop(clone);
    tokio::time::sleep(Duration::from_millis(50)).await;

    // Assert
    assert!(with_handles > before, "login spawns the renewal task");
    assert_eq!(with_clone, with_handles, "a live clone keeps the task");
    assert_eq!(metrics.num_alive_tasks(), before, "no task outlives the last handle");
}
