use tp_consent::Consent;
use tp_testkit::app::spawn_app;

#[tokio::test]
async fn healthz_and_readyz_answer_with_every_dependency_up() {
    spawn_app::<Consent>().await.assert_ready(&["postgres", "redis", "vault"]).await;
}
