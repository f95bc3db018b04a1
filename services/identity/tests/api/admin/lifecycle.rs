//! Tenant lifecycle through the API: create (with its Vault key), validation, suspension that
//! cuts every token at once, reactivation, and offboarding that crypto-shreds the data.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tp_config::CryptoSettings;
use tp_crypto::{FieldContext, Keyring};
use tp_ids::Service;
use tp_testkit::vault::service_vault;

use super::harness::admin_app;

#[tokio::test]
async fn creating_a_tenant_validates_input_and_refuses_a_taken_slug() {
    // Arrange
    let app = admin_app().await;
    let op = app.operator.as_str();

    // Act / Assert
    let bad =
        [json!({ "slug": "Not A Slug", "name": "X" }), json!({ "slug": "ok", "name": "" }), json!({ "slug": "ok" })];
    for body in bad {
        let (status, answer) = app.call(op, Method::POST, "/v1/tenants", Some(body.clone())).await;
        assert!(status.is_client_error() && status != StatusCode::NOT_FOUND, "{body} -> {status} {answer}");
    }
    app.create_tenant("lakeside").await;
    let again = json!({ "slug": "lakeside", "name": "Another" });
    let (status, body) = app.call(op, Method::POST, "/v1/tenants", Some(again)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, list) = app.call(op, Method::GET, "/v1/tenants", None).await;
    assert_eq!(status, StatusCode::OK);
    let slugs: Vec<&str> = list["tenants"].as_array().unwrap().iter().filter_map(|t| t["slug"].as_str()).collect();
    assert_eq!(slugs, ["lakeside"]);
}

#[tokio::test]
async fn suspending_a_tenant_cuts_its_tokens_at_once_until_it_is_reactivated() {
    // Arrange
    let app = admin_app().await;
    let tenant = app.create_tenant("north").await;
    let op = app.operator.as_str();
    let body = json!({ "name": "Billing export", "scopes": ["scheduling:read"] });
    let (status, client) = app.call(op, Method::POST, &format!("/v1/tenants/{tenant}/api-clients"), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{client}");
    let creds =
        (client["client_id"].as_str().unwrap_or_default(), client["client_secret"].as_str().unwrap_or_default());
    app.approve(tenant, creds.0).await;
    let clinician = app.member(tenant, &["clinician"]).await;
    let grant = [("grant_type", "client_credentials")];
    let (status, _) = app.oauth.token(&grant, Some(creds)).await;
    assert_eq!(status, StatusCode::OK);

    // Act
    let (status, body) = app.call(op, Method::POST, &format!("/v1/tenants/{tenant}/suspend"), None).await;

    // Assert
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "suspended");
    assert!(app.oauth.is_sid_revoked(clinician.session).await, "people's sessions end");
    assert!(app.oauth.session_revoked(clinician.session).await);
    let (status, refused) = app.oauth.token(&grant, Some(creds)).await;
    assert_ne!(status, StatusCode::OK, "a suspended practice gets no tokens: {refused}");

    let (status, _) = app.call(op, Method::POST, &format!("/v1/tenants/{tenant}/reactivate"), None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, tokens) = app.oauth.token(&grant, Some(creds)).await;
    assert_eq!(status, StatusCode::OK);
    // The client's tokens work again (verified, then refused only for lack of a role).
    let token = tokens["access_token"].as_str().unwrap_or_default();
    let (status, _) = app.call(token, Method::GET, &format!("/v1/tenants/{tenant}/members"), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the reactivated client's sid is still listed as revoked");
    let actions = app.audit_actions(tenant).await;
    let expected = ["identity.tenant.created", "identity.tenant.suspended", "identity.tenant.reactivated"];
    assert!(expected.iter().all(|a| actions.iter().any(|x| x == a)), "{actions:?}");
}

#[tokio::test]
async fn offboarding_needs_the_slug_typed_back_and_makes_the_tenants_data_undecryptable() {
    // Arrange: a record field encrypted under the new tenant's key, as records would.
    let app = admin_app().await;
    let tenant = app.create_tenant("closing").await;
    let other = app.create_tenant("staying").await;
    let keyring = |vault| Keyring::new(vault, &CryptoSettings::default()).unwrap();
    let writer = keyring(service_vault(Service::Records).await);
    let field = FieldContext { table: "notes", column: "body", row_id: uuid::Uuid::now_v7() };
    let sealed = writer.encrypt(&tenant, &field, b"session notes").await.unwrap();
    let kept = writer.encrypt(&other, &field, b"other practice").await.unwrap();
    let op = app.operator.as_str();
    let path = format!("/v1/tenants/{tenant}/offboard");

    // Act / Assert: a wrong confirmation changes nothing.
    let (status, body) = app.call(op, Method::POST, &path, Some(json!({ "confirm": "yes" }))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(
        keyring(service_vault(Service::Records).await).decrypt(&tenant, &field, &sealed).await.unwrap().as_slice(),
        b"session notes"
    );

    let (status, body): (StatusCode, Value) =
        app.call(op, Method::POST, &path, Some(json!({ "confirm": "closing" }))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "offboarded");

    // A fresh process (no cached data key) can no longer read anything of that tenant...
    let reader = keyring(service_vault(Service::Records).await);
    assert!(reader.decrypt(&tenant, &field, &sealed).await.is_err(), "offboarded data still decrypts");
    // ...while other tenants are untouched, and the offboarded one is gone for good.
    assert_eq!(reader.decrypt(&other, &field, &kept).await.unwrap().as_slice(), b"other practice");
    let (status, _) = app.call(op, Method::POST, &format!("/v1/tenants/{tenant}/reactivate"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(app.audit_actions(tenant).await.contains(&"identity.tenant.offboarded".to_owned()));
}

#[tokio::test]
async fn malformed_bodies_get_the_apis_own_400_without_echoing_the_input() {
    // Arrange
    let app = admin_app().await;
    let url = format!("{}/v1/tenants", app.oauth.app.address);
    let cases = [("application/json", "{not json"), ("text/plain", "{}"), ("application/json", "{\"slug\": 42}")];

    for (content_type, body) in cases {
        // Act
        let response = app
            .oauth
            .app
            .client
            .post(&url)
            .bearer_auth(&app.operator)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();

        // Assert
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{content_type} {body}");
        let mut answer: Value = response.json().await.unwrap();
        assert_eq!(answer["error"]["code"], "IDENTITY_INVALID_INPUT", "{answer}");
        // The error id is random hex, which may hold "42" by chance.
        answer["error"]["error_id"] = Value::Null;
        assert!(!answer.to_string().contains("42"), "the input is echoed: {answer}");
    }
}
