//! Signature, algorithm, key-rotation and claims checks of `Verifier::verify`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use tp_auth::{Actor, AuthError, InvalidToken, Role, Verifier, VerifierConfig};

use crate::issuer::{TestIssuer, generate_key, public_point, sign_raw};

fn reason(result: Result<tp_auth::Principal, AuthError>) -> Option<InvalidToken> {
    result.err().and_then(|err| err.invalid_reason())
}

#[tokio::test]
async fn a_valid_token_is_accepted_with_every_claim_mapped() {
    // Arrange
    let issuer = TestIssuer::start().await;
    let claims = issuer.claims();
    // Act
    let principal = issuer.verifier().verify(&issuer.sign(&claims)).await.unwrap();
    // Assert
    assert_eq!(principal.actor(), &Actor::User(claims.sub.parse().unwrap()));
    assert_eq!(principal.tenant().unwrap().to_string(), claims.tid.unwrap());
    assert_eq!(principal.session().to_string(), claims.sid);
    assert_eq!(principal.token_id().to_string(), claims.jti);
    assert_eq!(principal.client_id().as_str(), "practice-app");
    assert_eq!(principal.expires_at().timestamp(), claims.exp);
    assert!(principal.has_role(Role::Clinician) && !principal.has_role(Role::PracticeAdmin));
    assert!(principal.has_scope("records:read") && !principal.has_scope("records:write"));
    assert!(!principal.is_operator());
}

#[tokio::test]
async fn alg_none_hs256_and_rs256_are_refused_before_any_key_lookup() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.verifier();
    let claims = serde_json::to_value(issuer.claims()).unwrap();
    let encode = |v: &serde_json::Value| URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap());
    let none = format!("{}.{}.", encode(&serde_json::json!({"alg":"none","typ":"at+jwt","kid":"v1"})), encode(&claims));
    // The classic key-confusion attack: HMAC keyed with the published public key.
    let mut hs_header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    hs_header.typ = Some("at+jwt".to_owned());
    hs_header.kid = Some("v1".to_owned());
    let hs256 =
        jsonwebtoken::encode(&hs_header, &claims, &jsonwebtoken::EncodingKey::from_secret(&public_point(&issuer)))
            .unwrap();
    let rs256 = format!(
        "{}.{}.{}",
        encode(&serde_json::json!({"alg":"RS256","typ":"at+jwt","kid":"v1"})),
        encode(&claims),
        URL_SAFE_NO_PAD.encode([7u8; 256])
    );
    for (name, token) in [("none", none), ("HS256", hs256), ("RS256", rs256)] {
        assert_eq!(reason(verifier.verify(&token).await), Some(InvalidToken::AlgorithmNotAllowed), "{name}");
    }
    assert_eq!(issuer.fetches(), 0, "an algorithm outside the allow-list must not even trigger a key fetch");
}

#[tokio::test]
async fn an_unknown_kid_is_refetched_once_and_then_refused() {
    // Arrange: a warm cache, then a token naming a key identity never published.
    let issuer = TestIssuer::start().await;
    let verifier = issuer.verifier();
    verifier.verify(&issuer.sign(&issuer.claims())).await.unwrap();
    let forged = sign_raw(
        &generate_key(),
        &serde_json::json!({"alg":"ES256","typ":"at+jwt","kid":"v9"}),
        &serde_json::to_value(issuer.claims()).unwrap(),
    );
    // Act
    let result = verifier.verify(&forged).await;
    // Assert
    assert_eq!(reason(result), Some(InvalidToken::UnknownKey));
    assert_eq!(issuer.fetches(), 2, "one fetch to warm up, one refetch for the unknown kid");
}

#[tokio::test]
async fn unknown_kids_refetch_at_most_once_per_interval() {
    let issuer = TestIssuer::start().await;
    let config = VerifierConfig { min_refetch_interval_secs: 3600, ..issuer.config() };
    let verifier = Verifier::new(&config).unwrap();
    let claims = serde_json::to_value(issuer.claims()).unwrap();
    for attempt in 0..5 {
        let kid = format!("made-up-{attempt}");
        let token = sign_raw(&generate_key(), &serde_json::json!({"alg":"ES256","typ":"at+jwt","kid":kid}), &claims);
        assert_eq!(reason(verifier.verify(&token).await), Some(InvalidToken::UnknownKey), "attempt {attempt}");
    }
    assert_eq!(issuer.fetches(), 1);
}

#[tokio::test]
async fn a_rotated_key_is_accepted_after_a_refetch() {
    // Arrange: the verifier knows only v1.
    let mut issuer = TestIssuer::start().await;
    let verifier = issuer.verifier();
    verifier.verify(&issuer.sign(&issuer.claims())).await.unwrap();
    // Act: identity rotates; new tokens carry v2, old v1 tokens are still live.
    issuer.add_key("v2");
    let new_token = issuer.sign_with("v2", &issuer.claims());
    let old_token = issuer.sign_with("v1", &issuer.claims());
    // Assert
    assert!(verifier.verify(&new_token).await.is_ok());
    assert!(verifier.verify(&old_token).await.is_ok());
    assert_eq!(issuer.fetches(), 2);
}

#[tokio::test]
async fn concurrent_misses_share_one_fetch() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.verifier();
    let token = issuer.sign(&issuer.claims());
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (verifier, token) = (verifier.clone(), token.clone());
            tokio::spawn(async move { verifier.verify(&token).await.is_ok() })
        })
        .collect();
    for task in tasks {
        assert!(task.await.unwrap());
    }
    assert_eq!(issuer.fetches(), 1);
}

#[tokio::test]
async fn a_token_signed_by_another_key_under_a_known_kid_is_refused() {
    let issuer = TestIssuer::start().await;
    let forged = sign_raw(
        &generate_key(),
        &serde_json::json!({"alg":"ES256","typ":"at+jwt","kid":"v1"}),
        &serde_json::to_value(issuer.claims()).unwrap(),
    );
    assert_eq!(reason(issuer.verifier().verify(&forged).await), Some(InvalidToken::BadSignature));
}

#[tokio::test]
async fn a_tampered_payload_is_refused() {
    let issuer = TestIssuer::start().await;
    let token = issuer.sign(&issuer.claims());
    let mut elevated = issuer.claims();
    elevated.roles = vec![Role::PracticeAdmin];
    let parts: Vec<&str> = token.split('.').collect();
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&elevated).unwrap());
    let tampered = format!("{}.{payload}.{}", parts[0], parts[2]);
    assert_eq!(reason(issuer.verifier().verify(&tampered).await), Some(InvalidToken::BadSignature));
}

#[tokio::test]
async fn expired_tokens_are_refused_beyond_the_leeway_only() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.verifier();
    let now = chrono::Utc::now().timestamp();
    let mut expired = issuer.claims();
    (expired.iat, expired.exp) = (now - 400, now - 31);
    let mut within_leeway = issuer.claims();
    (within_leeway.iat, within_leeway.exp) = (now - 400, now - 20);
    assert!(matches!(verifier.verify(&issuer.sign(&expired)).await, Err(AuthError::Expired)));
    assert!(verifier.verify(&issuer.sign(&within_leeway)).await.is_ok());
}

#[tokio::test]
async fn tokens_issued_in_the_future_are_refused() {
    let issuer = TestIssuer::start().await;
    let mut claims = issuer.claims();
    claims.iat += 120;
    claims.exp += 120;
    assert_eq!(reason(issuer.verifier().verify(&issuer.sign(&claims)).await), Some(InvalidToken::IssuedInFuture));
}

#[tokio::test]
async fn wrong_audience_and_wrong_issuer_are_refused() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.verifier();
    let mut other_aud = issuer.claims();
    other_aud.aud = "tp-scheduling".to_owned();
    let mut other_iss = issuer.claims();
    other_iss.iss = "https://evil.example".to_owned();
    assert_eq!(reason(verifier.verify(&issuer.sign(&other_aud)).await), Some(InvalidToken::WrongAudience));
    assert_eq!(reason(verifier.verify(&issuer.sign(&other_iss)).await), Some(InvalidToken::WrongIssuer));
}

#[tokio::test]
async fn a_practice_token_without_tenant_is_refused() {
    let issuer = TestIssuer::start().await;
    let mut claims = issuer.claims();
    claims.tid = None;
    assert_eq!(reason(issuer.verifier().verify(&issuer.sign(&claims)).await), Some(InvalidToken::TenantMismatch));
}

#[tokio::test]
async fn operators_have_no_tenant_and_an_operator_token_with_one_is_refused() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.verifier();
    let mut operator = issuer.claims();
    operator.roles = vec![Role::PlatformOperator];
    operator.tid = None;
    let principal = verifier.verify(&issuer.sign(&operator)).await.unwrap();
    assert!(principal.is_operator());
    assert!(matches!(principal.tenant(), Err(AuthError::NoTenant)));
    operator.tid = Some(tp_ids::TenantId::generate().to_string());
    assert_eq!(reason(verifier.verify(&issuer.sign(&operator)).await), Some(InvalidToken::TenantMismatch));
}

#[tokio::test]
async fn api_client_tokens_act_as_the_client_and_need_sub_equal_to_client_id() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.verifier();
    let mut claims = issuer.claims();
    claims.roles = vec![Role::ApiClient];
    claims.client_id = "tpc_0123abcd".to_owned();
    claims.sub = claims.client_id.clone();
    let principal = verifier.verify(&issuer.sign(&claims)).await.unwrap();
    assert_eq!(principal.actor(), &Actor::Client(tp_ids::ClientId::parse("tpc_0123abcd").unwrap()));
    claims.sub = tp_ids::UserId::generate().to_string();
    assert_eq!(reason(verifier.verify(&issuer.sign(&claims)).await), Some(InvalidToken::SubjectMismatch));
}

#[tokio::test]
async fn the_operator_client_acts_as_a_client_without_a_tenant() {
    let issuer = TestIssuer::start().await;
    let mut claims = issuer.claims();
    claims.roles = vec![Role::PlatformOperator];
    claims.tid = None;
    claims.client_id = "telehealthctl".to_owned();
    claims.sub = claims.client_id.clone();
    let principal = issuer.verifier().verify(&issuer.sign(&claims)).await.unwrap();
    assert_eq!(principal.actor(), &Actor::Client(tp_ids::ClientId::parse("telehealthctl").unwrap()));
    assert!(principal.is_operator());
    claims.roles = vec![Role::PlatformOperator, Role::ApiClient];
    assert_eq!(reason(issuer.verifier().verify(&issuer.sign(&claims)).await), Some(InvalidToken::SubjectMismatch));
}

#[tokio::test]
async fn a_token_missing_a_required_claim_is_refused() {
    let issuer = TestIssuer::start().await;
    let mut claims = serde_json::to_value(issuer.claims()).unwrap();
    claims.as_object_mut().unwrap().remove("sid");
    let token = issuer.sign_value("v1", &claims);
    assert_eq!(reason(issuer.verifier().verify(&token).await), Some(InvalidToken::BadClaims));
}

#[tokio::test]
async fn an_unreachable_jwks_makes_verification_unavailable_not_accepted() {
    let issuer = TestIssuer::start().await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let config = VerifierConfig { jwks_url: Some(format!("http://{closed}/oauth2/jwks")), ..issuer.config() };
    let result = Verifier::new(&config).unwrap().verify(&issuer.sign(&issuer.claims())).await;
    assert!(matches!(result, Err(AuthError::Unavailable(_))), "{result:?}");
}
