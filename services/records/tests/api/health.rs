use crate::harness::records_for;

/// Health needs no identity: nothing calls it.
async fn spawn_app() -> tp_testkit::app::TestApp {
    records_for("http://127.0.0.1:9", "http://127.0.0.1:9").await
}

#[tokio::test]
async fn healthz_and_readyz_answer_with_every_dependency_up() {
    spawn_app().await.assert_ready(&["postgres", "redis", "vault"]).await;
}

#[tokio::test]
async fn readyz_answers_503_naming_postgres_when_the_database_goes_away() {
    // Arrange: a running service, then its database disappears underneath it.
    let app = spawn_app().await;
    let name = app.db.as_ref().unwrap().name().to_owned();
    let admin_url = secrecy::SecretString::from(tp_testkit::TestEnv::get().admin_url().to_owned());
    let admin = tp_db::connect(&admin_url, &tp_db::PoolOptions::default()).await.unwrap();
    sea_orm::ConnectionTrait::execute_unprepared(&admin, &format!("drop database {name} with (force)")).await.unwrap();

    // Act
    let resp = app.get("/readyz").await;

    // Assert: not ready, the failing dependency named, no internals in the body.
    assert_eq!(resp.status(), 503);
    let body: serde_json::Value = resp.json().await.unwrap();
    let postgres = body["checks"].as_array().unwrap().iter().find(|c| c["name"] == "postgres").unwrap();
    assert_eq!(postgres["ok"], false, "{body}");
    assert!(!body.to_string().contains(&name), "readiness must not leak database names: {body}");
    // Liveness is about the process, not its dependencies.
    assert_eq!(app.get("/healthz").await.status(), 200);
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_keeps_the_callers() {
    let app = spawn_app().await;

    let generated = app.get("/healthz").await;
    let kept =
        app.client.get(format!("{}/healthz", app.address)).header("x-request-id", "abc-123").send().await.unwrap();

    assert_eq!(generated.headers()["x-request-id"].to_str().unwrap().len(), 36);
    assert_eq!(kept.headers()["x-request-id"], "abc-123");
}
