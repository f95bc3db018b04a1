//! Discovery, the JWKS, and signing-key rotation as verifiers see it.

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers: a failed set-up must stop the test where it failed"
)]

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;
use tp_identity::signing::{Signer, TokenType};
use tp_ids::Service;

use crate::oauth_fixtures::{OPERATOR_ID, OPERATOR_SECRET, spawn, spawn_with_signing_key, verify};

#[tokio::test]
async fn discovery_names_every_endpoint_under_the_issuer_and_only_what_is_supported() {
    let oauth = spawn().await;

    let response = oauth.app.get("/.well-known/openid-configuration").await;

    assert_eq!(response.status(), StatusCode::OK);
    let doc: Value = response.json().await.unwrap();
    let iss = oauth.issuer();
    assert_eq!(doc["issuer"], iss);
    for (field, path) in [
        ("authorization_endpoint", "/oauth2/authorize"),
        ("token_endpoint", "/oauth2/token"),
        ("userinfo_endpoint", "/oauth2/userinfo"),
        ("jwks_uri", "/oauth2/jwks"),
        ("revocation_endpoint", "/oauth2/revoke"),
        ("end_session_endpoint", "/oauth2/end-session"),
    ] {
        assert_eq!(doc[field], format!("{iss}{path}"), "{field}");
    }
    assert_eq!(doc["response_types_supported"], serde_json::json!(["code"]));
    assert_eq!(doc["code_challenge_methods_supported"], serde_json::json!(["S256"]));
    assert_eq!(doc["id_token_signing_alg_values_supported"], serde_json::json!(["ES256"]));
    assert_eq!(
        doc["grant_types_supported"],
        serde_json::json!(["authorization_code", "refresh_token", "client_credentials"])
    );
    let scopes = doc["scopes_supported"].as_array().unwrap();
    assert!(scopes.iter().any(|s| s == "openid") && scopes.iter().any(|s| s == "records:read"));
}

#[tokio::test]
async fn the_jwks_lists_p256_public_keys_only() {
    let oauth = spawn().await;

    let jwks = oauth.jwks().await;

    let keys = jwks["keys"].as_array().unwrap();
    assert!(!keys.is_empty());
    for key in keys {
        assert_eq!((key["kty"].as_str(), key["crv"].as_str()), (Some("EC"), Some("P-256")), "{key}");
        assert_eq!((key["alg"].as_str(), key["use"].as_str()), (Some("ES256"), Some("sig")), "{key}");
        assert_eq!(key["x"].as_str().map(str::len), Some(43), "32-byte coordinate: {key}");
        assert!(key.get("d").is_none(), "no private part: {key}");
    }
}

async fn operator_token(oauth: &crate::oauth_fixtures::OAuthApp) -> String {
    let form = [("grant_type", "client_credentials"), ("client_id", OPERATOR_ID), ("client_secret", OPERATOR_SECRET)];
    let (status, body) = oauth.token(&form, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn after_rotation_new_tokens_use_the_new_kid_and_the_old_kid_stays_published() {
    // Arrange: a key of this test's own, so rotating it disturbs no other test.
    let key = format!("identity-test-{}", uuid::Uuid::new_v4().simple());
    let before = spawn_with_signing_key(&key).await;
    let old_token = operator_token(&before).await;

    // Act: rotate as ops would, then start an instance that reads the rotated key.
    let vault = tp_testkit::vault::service_vault(Service::Identity).await;
    let signer = Signer::init(vault, &key, Duration::from_secs(300)).await.unwrap();
    signer.rotate().await.unwrap();
    let after = spawn_with_signing_key(&key).await;
    let new_token = operator_token(&after).await;

    // Assert
    let jwks = after.jwks().await;
    let kids: Vec<&str> = jwks["keys"].as_array().unwrap().iter().map(|k| k["kid"].as_str().unwrap()).collect();
    assert_eq!(kids, [format!("{key}-v2"), format!("{key}-v1")]);
    let (new_header, _) = verify(&new_token, &jwks, "telehealth-api", after.issuer());
    assert_eq!(new_header.kid, Some(format!("{key}-v2")));
    let (old_header, _) = verify(&old_token, &jwks, "telehealth-api", before.issuer());
    assert_eq!(old_header.kid, Some(format!("{key}-v1")));
    let signed = signer.sign(TokenType::Id, &serde_json::json!({ "sub": "x" })).await.unwrap();
    assert_eq!(jsonwebtoken::decode_header(&signed).unwrap().kid, Some(format!("{key}-v2")));
}
