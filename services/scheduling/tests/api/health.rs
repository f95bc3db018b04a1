use crate::harness::scheduling_for;

/// Health needs neither identity nor consent: nothing verifies a token or asks readiness.
#[tokio::test]
async fn healthz_and_readyz_answer_with_every_dependency_up() {
    scheduling_for("http://127.0.0.1:9", "http://127.0.0.1:9")
        .await
        .assert_ready(&["postgres", "redis", "vault"])
        .await;
}
