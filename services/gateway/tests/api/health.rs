use crate::harness::spawn;

#[tokio::test]
async fn readyz_checks_redis_and_vault_and_no_database() {
    // The gateway owns no data, so it has no database to check.
    spawn().await.gateway().assert_ready(&["redis", "vault"]).await;
}
