use tp_gateway::Gateway;
use tp_testkit::app::spawn_app;

#[tokio::test]
async fn readyz_checks_redis_and_vault_and_no_database() {
    // The gateway owns no data, so it has no database to check.
    spawn_app::<Gateway>().await.assert_ready(&["redis", "vault"]).await;
}
