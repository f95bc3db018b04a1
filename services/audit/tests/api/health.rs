use tp_audit::Audit;
use tp_testkit::app::spawn_app;

#[tokio::test]
async fn healthz_and_readyz_answer_with_every_dependency_up() {
    spawn_app::<Audit>().await.assert_ready(&["postgres", "redis", "vault"]).await;
}
