use crate::harness::consent_for;

/// Health needs no identity: nothing verifies a token.
#[tokio::test]
async fn healthz_and_readyz_answer_with_every_dependency_up() {
    consent_for("http://127.0.0.1:9").await.assert_ready(&["postgres", "redis", "vault"]).await;
}
