use crate::harness;

#[tokio::test]
async fn healthz_and_readyz_answer_with_every_dependency_up() {
    let app = harness::spawn().await;
    let response = app.http.get(format!("{}/readyz", app.address)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    let names: Vec<&str> = body["checks"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["postgres", "redis", "vault"]);
}
