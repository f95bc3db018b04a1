//! The axum extractors and the HTTP shape of refusals, through a real router.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use http_body_util::BodyExt as _;
use redis::aio::ConnectionManager;
use tower::ServiceExt as _;
use tp_auth::{Actor, AuthState, MaybePrincipal, Principal, Verifier};

use crate::issuer::TestIssuer;
use crate::revocation::{redis, unreachable_redis};

#[derive(Clone)]
struct State {
    verifier: Verifier,
    redis: ConnectionManager,
}

impl AuthState for State {
    fn verifier(&self) -> &Verifier {
        &self.verifier
    }
    fn redis(&self) -> ConnectionManager {
        self.redis.clone()
    }
}

async fn me(principal: Principal) -> String {
    match principal.actor() {
        Actor::User(user) => user.to_string(),
        Actor::Client(client) => client.to_string(),
    }
}

async fn maybe(MaybePrincipal(principal): MaybePrincipal) -> &'static str {
    if principal.is_some() { "someone" } else { "anonymous" }
}

fn router(verifier: Verifier, redis: ConnectionManager) -> Router {
    Router::new().route("/me", get(me)).route("/maybe", get(maybe)).with_state(State { verifier, redis })
}

async fn call(router: &Router, path: &str, token: Option<&str>) -> (StatusCode, Option<String>, String) {
    let mut request = Request::get(path);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let response = router.clone().oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status();
    let challenge = response.headers().get("www-authenticate").map(|v| v.to_str().unwrap().to_owned());
    let body = String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    (status, challenge, body)
}

#[tokio::test]
async fn a_valid_bearer_token_reaches_the_handler_as_its_principal() {
    let issuer = TestIssuer::start().await;
    let claims = issuer.claims();
    let router = router(issuer.verifier(), redis().await);
    let (status, _, body) = call(&router, "/me", Some(&issuer.sign(&claims))).await;
    assert_eq!((status, body), (StatusCode::OK, claims.sub));
}

#[tokio::test]
async fn a_missing_token_gets_401_with_a_bearer_challenge() {
    let issuer = TestIssuer::start().await;
    let router = router(issuer.verifier(), redis().await);
    let (status, challenge, body) = call(&router, "/me", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(challenge.as_deref(), Some("Bearer"));
    assert!(body.contains("AUTH_TOKEN_MISSING"), "{body}");
}

#[tokio::test]
async fn an_invalid_token_gets_401_invalid_token_without_echoing_it() {
    let issuer = TestIssuer::start().await;
    let router = router(issuer.verifier(), redis().await);
    let mut claims = issuer.claims();
    claims.aud = "somebody-else".to_owned();
    let token = issuer.sign(&claims);
    let (status, challenge, body) = call(&router, "/me", Some(&token)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(challenge.as_deref(), Some(r#"Bearer error="invalid_token""#));
    assert!(body.contains("AUTH_TOKEN_INVALID"), "{body}");
    let signature = token.rsplit('.').next().unwrap();
    assert!(!body.contains(signature) && !body.contains("somebody-else"), "{body}");
}

#[tokio::test]
async fn an_unreachable_redis_gets_503_not_access() {
    let issuer = TestIssuer::start().await;
    let router = router(issuer.verifier(), unreachable_redis());
    let (status, _, body) = call(&router, "/me", Some(&issuer.sign(&issuer.claims()))).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(body.contains("AUTH_UNAVAILABLE"), "{body}");
}

#[tokio::test]
async fn maybe_principal_is_anonymous_without_a_token_but_refuses_a_bad_one() {
    let issuer = TestIssuer::start().await;
    let router = router(issuer.verifier(), redis().await);
    let mut expired = issuer.claims();
    expired.exp -= 3600;
    expired.iat -= 3600;
    assert_eq!(call(&router, "/maybe", None).await.2, "anonymous");
    assert_eq!(call(&router, "/maybe", Some(&issuer.sign(&issuer.claims()))).await.2, "someone");
    assert_eq!(call(&router, "/maybe", Some(&issuer.sign(&expired))).await.0, StatusCode::UNAUTHORIZED);
}
