//! Hostile and broken requests: query bombs, oversized and malformed bodies, forged,
//! expired and revoked tokens, another practice's ids. Each must be refused with its code,
//! return no data, and leave the gateway serving the next (valid) request.
//!
//! Not here: the rate limits (rate_limit.rs) and what a valid caller may or may not read
//! (api.rs).

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, WWW_AUTHENTICATE};
use serde_json::{Value, json};
use tp_testkit::tokens::{self, SIGNING_KEY};

use crate::harness::{Person, Platform, codes, spawn};

/// A raw answer of `POST /graphql`.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Value,
}

/// POSTs `body` as is, with this content type and `Authorization` value.
async fn post(platform: &Platform, authorization: Option<&str>, content_type: &str, body: Vec<u8>) -> Answer {
    let mut request = platform
        .http
        .post(format!("{}/graphql", platform.gateway().address))
        .header("content-type", content_type)
        .body(body);
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    let response = request.send().await.unwrap_or_else(|e| panic!("gateway answers: {e}"));
    let (status, headers) = (response.status(), response.headers().clone());
    Answer { status, headers, body: response.json().await.unwrap_or(Value::Null) }
}

async fn post_query(platform: &Platform, token: &str, query: &str) -> Answer {
    let body = json!({ "query": query }).to_string().into_bytes();
    post(platform, Some(&format!("Bearer {token}")), "application/json", body).await
}

/// Refused with `status` and exactly one error of `code`, and no data at all.
fn assert_refused(answer: &Answer, status: StatusCode, code: &str) {
    let body = &answer.body;
    assert_eq!(answer.status, status, "{body}");
    assert_eq!(codes(body), [code], "{body}");
    assert!(body["data"].is_null(), "no data may be returned: {body}");
}

/// 401 UNAUTHENTICATED with a `WWW-Authenticate` challenge (RFC 6750 §3).
fn assert_unauthenticated(answer: &Answer) {
    assert_refused(answer, StatusCode::UNAUTHORIZED, "UNAUTHENTICATED");
    assert!(answer.headers.contains_key(WWW_AUTHENTICATE), "401 without a challenge: {:?}", answer.headers);
}

/// The gateway still answers a valid query of a good token after whatever came before.
async fn assert_still_serving(platform: &Platform, person: &Person) {
    let (status, body) = platform.gql(Some(&person.token), "{ me { id } }", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["me"]["id"], person.user.to_string(), "the gateway stopped serving: {body}");
}

async fn clinician(platform: &Platform) -> Person {
    let tenant = platform.tenant().await;
    platform.person(tenant, &["clinician"]).await
}

#[tokio::test]
async fn a_query_nested_deeper_than_the_depth_limit_is_refused_as_bad_user_input() {
    // Arrange: the domain schema is shallow, introspection is not; fragments are inlined
    // before depth is measured, so splitting the nesting into fragments does not help.
    let platform = spawn().await;
    let person = clinician(&platform).await;
    let inline = "{ __type(name: \"Query\") { fields { type { ofType { ofType { ofType { ofType { ofType { \
                  ofType { ofType { ofType { name } } } } } } } } } } } }";
    let fragments = "{ __type(name: \"Query\") { ...A } } fragment A on __Type { fields { type { ...B } } } \
                     fragment B on __Type { ofType { ofType { ofType { ...C } } } } \
                     fragment C on __Type { ofType { ofType { ofType { ofType { ofType { name } } } } } }";

    for (name, query) in [("inline", inline), ("fragments", fragments)] {
        // Act
        let answer = post_query(&platform, &person.token, query).await;

        // Assert
        assert_refused(&answer, StatusCode::OK, "BAD_USER_INPUT");
        assert!(answer.body.to_string().contains("nested too deep"), "{name}: {}", answer.body);
    }
    assert_still_serving(&platform, &person).await;
}

#[tokio::test]
async fn a_query_over_the_complexity_budget_is_refused_as_bad_user_input() {
    // Arrange: a practice admin may read members, so only the budget can refuse this.
    // Each page of 100 members with 4 fields costs 100 * 6; three of them exceed the budget of 1000.
    let platform = spawn().await;
    let tenant = platform.tenant().await;
    let admin = platform.person(tenant, &["practice_admin"]).await;
    let page = "members(first: 100) { edges { node { id email displayName roles } } }";
    let query = format!("{{ a: {page} b: {page} c: {page} }}");

    // Act
    let answer = post_query(&platform, &admin.token, &query).await;

    // Assert
    assert_refused(&answer, StatusCode::OK, "BAD_USER_INPUT");
    assert!(answer.body.to_string().contains("too complex"), "{}", answer.body);
    assert_still_serving(&platform, &admin).await;
}

#[tokio::test]
async fn a_full_page_of_member_ids_fits_the_default_complexity_budget() {
    // Arrange
    let platform = spawn().await;
    let tenant = platform.tenant().await;
    let admin = platform.person(tenant, &["practice_admin"]).await;

    // Act: the smallest selection of the largest page the field accepts.
    let answer = post_query(&platform, &admin.token, "{ members(first: 100) { edges { node { id } } } }").await;

    // Assert
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert!(codes(&answer.body).is_empty(), "{}", answer.body);
    assert_eq!(answer.body["data"]["members"]["edges"][0]["node"]["id"], admin.user.to_string(), "{}", answer.body);
}

#[tokio::test]
async fn an_alias_flood_is_refused_as_bad_user_input() {
    // Arrange: 40 cheap, shallow fields: under the depth and complexity limits.
    let platform = spawn().await;
    let person = clinician(&platform).await;
    let fields: Vec<String> = (0..40).map(|i| format!("a{i}: me {{ id }}")).collect();
    let query = format!("{{ {} }}", fields.join(" "));

    // Act
    let answer = post_query(&platform, &person.token, &query).await;

    // Assert
    assert_refused(&answer, StatusCode::OK, "BAD_USER_INPUT");
    assert!(answer.body.to_string().contains("40 aliases"), "{}", answer.body);
    assert_still_serving(&platform, &person).await;
}

#[tokio::test]
async fn a_ten_mib_body_is_refused_with_413_before_it_is_parsed() {
    // Arrange
    let platform = spawn().await;
    let person = clinician(&platform).await;
    let padding = " ".repeat(10 * 1024 * 1024);
    let body = format!(r#"{{"query": "{{ me {{ id }} }}{padding}"}}"#).into_bytes();

    // Act
    let answer = post(&platform, Some(&format!("Bearer {}", person.token)), "application/json", body).await;

    // Assert
    assert_refused(&answer, StatusCode::PAYLOAD_TOO_LARGE, "BAD_USER_INPUT");
    assert_still_serving(&platform, &person).await;
}

#[tokio::test]
async fn a_batch_over_the_limit_is_refused_with_400() {
    // Arrange: the limit is 5 operations.
    let platform = spawn().await;
    let person = clinician(&platform).await;
    let batch: Vec<Value> = (0..6).map(|_| json!({ "query": "{ me { id } }" })).collect();

    // Act
    let body = serde_json::to_vec(&batch).unwrap();
    let answer = post(&platform, Some(&format!("Bearer {}", person.token)), "application/json", body).await;

    // Assert
    assert_refused(&answer, StatusCode::BAD_REQUEST, "BAD_USER_INPUT");
    assert_still_serving(&platform, &person).await;
}

#[tokio::test]
async fn a_batch_within_the_limit_answers_a_json_array_in_order() {
    // Arrange
    let platform = spawn().await;
    let person = clinician(&platform).await;
    let batch = json!([{ "query": "{ me { id } }" }, { "query": "{ me { kind } }" }]);

    // Act
    let body = serde_json::to_vec(&batch).unwrap();
    let answer = post(&platform, Some(&format!("Bearer {}", person.token)), "application/json", body).await;

    // Assert
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let answers = answer.body.as_array().unwrap_or_else(|| panic!("a JSON array: {}", answer.body));
    assert_eq!(answers.len(), 2, "{}", answer.body);
    assert_eq!(answer.body[0]["data"]["me"]["id"], person.user.to_string(), "{}", answer.body);
    assert_eq!(answer.body[1]["data"]["me"]["kind"], "PERSON", "{}", answer.body);
}

#[tokio::test]
async fn a_malformed_user_id_is_bad_user_input_and_reaches_no_service() {
    // Arrange
    let platform = spawn().await;
    let person = clinician(&platform).await;

    // Act
    let answer = post_query(&platform, &person.token, r#"{ user(id: "not-a-uuid") { id displayName } }"#).await;

    // Assert
    assert_refused(&answer, StatusCode::OK, "BAD_USER_INPUT");
    assert_still_serving(&platform, &person).await;
}

#[tokio::test]
async fn set_member_roles_with_a_malformed_id_is_bad_user_input() {
    // Arrange: a practice admin, who may change roles.
    let platform = spawn().await;
    let tenant = platform.tenant().await;
    let admin = platform.person(tenant, &["practice_admin"]).await;
    let mutation = r#"mutation { setMemberRoles(userId: "1; drop table users", roles: [STAFF]) { id } }"#;

    // Act
    let answer = post_query(&platform, &admin.token, mutation).await;

    // Assert
    assert_refused(&answer, StatusCode::OK, "BAD_USER_INPUT");
    assert_still_serving(&platform, &admin).await;
}

#[tokio::test]
async fn a_malformed_json_body_is_refused_with_400() {
    // Arrange
    let platform = spawn().await;
    let person = clinician(&platform).await;

    // Act
    let body = br#"{"query": "{ me { id } }""#.to_vec();
    let answer = post(&platform, Some(&format!("Bearer {}", person.token)), "application/json", body).await;

    // Assert
    assert_refused(&answer, StatusCode::BAD_REQUEST, "BAD_USER_INPUT");
    assert_still_serving(&platform, &person).await;
}

#[tokio::test]
async fn a_body_that_is_not_json_is_refused_with_415() {
    // Arrange: a form post is what a cross-site page can send without a preflight.
    let platform = spawn().await;
    let person = clinician(&platform).await;
    let cases = [
        ("text/plain", r#"{"query": "{ me { id } }"}"#),
        ("application/x-www-form-urlencoded", "query=%7B+me+%7B+id+%7D+%7D"),
    ];

    for (content_type, body) in cases {
        // Act
        let authorization = format!("Bearer {}", person.token);
        let answer = post(&platform, Some(&authorization), content_type, body.as_bytes().to_vec()).await;

        // Assert
        assert_eq!(answer.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{content_type}: {}", answer.body);
        assert_refused(&answer, StatusCode::UNSUPPORTED_MEDIA_TYPE, "BAD_USER_INPUT");
    }
    assert_still_serving(&platform, &person).await;
}

// ---- tokens ---------------------------------------------------------------------------

/// identity's newest published key, as its JWKS lists it.
async fn published_key(platform: &Platform) -> Value {
    let jwks: Value = platform.identity.get("/oauth2/jwks").await.json().await.unwrap();
    jwks["keys"].as_array().and_then(|keys| keys.last()).cloned().unwrap_or_else(|| panic!("a key: {jwks}"))
}

/// Claims identity would write for `person`, valid now; tests then spoil one of them.
fn claims_of(platform: &Platform, person: &Person) -> Value {
    let (user, tenant, session) = (person.user.to_string(), person.tenant.to_string(), person.session.to_string());
    tokens::person_claims(&platform.identity.address, &user, &tenant, &["clinician"], &session)
}

fn b64_json(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

async fn assert_token_refused(platform: &Platform, person: &Person, token: &str) {
    let answer = post_query(platform, token, "{ me { id } }").await;
    assert_unauthenticated(&answer);
    assert_still_serving(platform, person).await;
}

#[tokio::test]
async fn a_token_with_alg_none_is_refused_with_401() {
    // Arrange
    let platform = spawn().await;
    let person = clinician(&platform).await;
    let kid = published_key(&platform).await["kid"].clone();
    let header = json!({ "alg": "none", "typ": "at+jwt", "kid": kid });
    let token = format!("{}.{}.", b64_json(&header), b64_json(&claims_of(&platform, &person)));

    // Act + Assert
    assert_token_refused(&platform, &person, &token).await;
}

#[tokio::test]
async fn an_hs256_token_keyed_with_identitys_public_key_is_refused_with_401() {
    // Arrange: the key-confusion attack, with the real kid and the published key material
    // as the HMAC secret, in the encodings a confused verifier might use.
    let platform = spawn().await;
    let person = clinician(&platform).await;
    let jwk = published_key(&platform).await;
    let coordinate = |name: &str| URL_SAFE_NO_PAD.decode(jwk[name].as_str().unwrap()).unwrap();
    let point = [vec![4], coordinate("x"), coordinate("y")].concat();
    let secrets = [("jwk json", jwk.to_string().into_bytes()), ("x", coordinate("x")), ("sec1 point", point)];
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    header.typ = Some("at+jwt".to_owned());
    header.kid = jwk["kid"].as_str().map(str::to_owned);

    for (name, secret) in secrets {
        let key = jsonwebtoken::EncodingKey::from_secret(&secret);
        let token = jsonwebtoken::encode(&header, &claims_of(&platform, &person), &key).unwrap();

        // Act
        let answer = post_query(&platform, &token, "{ me { id } }").await;

        // Assert
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{name}: {}", answer.body);
        assert_unauthenticated(&answer);
    }
    assert_still_serving(&platform, &person).await;
}

#[tokio::test]
async fn an_es256_token_signed_with_an_unknown_key_is_refused_with_401() {
    // Arrange: a fresh P-256 key (from two v4 UUIDs' random bytes) identity never published.
    let platform = spawn().await;
    let person = clinician(&platform).await;
    let seed = [uuid::Uuid::new_v4().into_bytes(), uuid::Uuid::new_v4().into_bytes()].concat();
    let key = SigningKey::from_slice(&seed).unwrap();
    let header = json!({ "alg": "ES256", "typ": "at+jwt", "kid": "nope" });
    let input = format!("{}.{}", b64_json(&header), b64_json(&claims_of(&platform, &person)));
    let signature: Signature = key.sign(input.as_bytes());
    let token = format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()));

    // Act + Assert
    assert_token_refused(&platform, &person, &token).await;
}

#[tokio::test]
async fn an_expired_token_is_refused_with_401() {
    // Arrange: signed by identity's real key, expired two minutes ago (leeway is 30 s).
    let platform = spawn().await;
    let person = clinician(&platform).await;
    let mut claims = claims_of(&platform, &person);
    let now = tokens::unix_now();
    claims["iat"] = json!(now - 420);
    claims["exp"] = json!(now - 120);
    let token = tokens::sign(SIGNING_KEY, &claims).await;

    // Act + Assert
    assert_token_refused(&platform, &person, &token).await;
}

#[tokio::test]
async fn a_token_for_another_audience_is_refused_with_401() {
    // Arrange
    let platform = spawn().await;
    let person = clinician(&platform).await;
    let mut claims = claims_of(&platform, &person);
    claims["aud"] = json!("some-other-api");
    let token = tokens::sign(SIGNING_KEY, &claims).await;

    // Act + Assert
    assert_token_refused(&platform, &person, &token).await;
}

#[tokio::test]
async fn a_token_from_another_issuer_is_refused_with_401() {
    // Arrange: the right key, but not the issuer this gateway trusts.
    let platform = spawn().await;
    let person = clinician(&platform).await;
    let mut claims = claims_of(&platform, &person);
    claims["iss"] = json!("https://issuer.example.test");
    let token = tokens::sign(SIGNING_KEY, &claims).await;

    // Act + Assert
    assert_token_refused(&platform, &person, &token).await;
}

#[tokio::test]
async fn a_garbage_bearer_token_is_refused_with_401() {
    let platform = spawn().await;
    let person = clinician(&platform).await;
    assert_token_refused(&platform, &person, "not.a-token").await;
}

#[tokio::test]
async fn basic_authorization_is_refused_with_401() {
    // Arrange: an API client's credentials belong at the token endpoint, never here.
    let platform = spawn().await;
    let person = clinician(&platform).await;
    let basic = format!("Basic {}", STANDARD.encode("client:secret"));
    let body = json!({ "query": "{ me { id } }" }).to_string().into_bytes();

    // Act
    let answer = post(&platform, Some(&basic), "application/json", body).await;

    // Assert
    assert_unauthenticated(&answer);
    assert_still_serving(&platform, &person).await;
}

#[tokio::test]
async fn a_revoked_session_is_refused_with_401() {
    // Arrange: identity lists a session as revoked in Redis when it ends one.
    let platform = spawn().await;
    let tenant = platform.tenant().await;
    let revoked = platform.person(tenant, &["clinician"]).await;
    let other = platform.person(tenant, &["clinician"]).await;
    let redis = redis::Client::open(tp_testkit::TestEnv::get().redis_url()).unwrap();
    let mut redis = redis.get_multiplexed_async_connection().await.unwrap();
    let key = format!("{}{}", tp_auth::REVOKED_SESSION_PREFIX, revoked.session);
    let () = redis::cmd("SET").arg(&key).arg("1").arg("EX").arg(600).query_async(&mut redis).await.unwrap();

    // Act
    let answer = post_query(&platform, &revoked.token, "{ me { id } }").await;

    // Assert
    assert_unauthenticated(&answer);
    assert!(answer.body.to_string().contains("revoked"), "{}", answer.body);
    assert_still_serving(&platform, &other).await;
}

// ---- tenants --------------------------------------------------------------------------

#[tokio::test]
async fn a_clinician_of_another_practice_gets_no_data_for_a_user_id() {
    // Arrange
    let platform = spawn().await;
    let tenant_a = platform.tenant().await;
    let tenant_b = platform.tenant().await;
    let person_a = platform.person(tenant_a, &["client"]).await;
    let clinician_b = platform.person(tenant_b, &["clinician"]).await;

    // Act
    let query = "query($id: ID!) { user(id: $id) { id displayName roles } }";
    let (status, body) =
        platform.gql(Some(&clinician_b.token), query, json!({ "id": person_a.user.to_string() })).await;

    // Assert
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["data"].is_null(), "another practice's person leaked: {body}");
    assert!(!body.to_string().contains("Test Person"), "{body}");
    assert_eq!(codes(&body), ["NOT_FOUND"], "{body}");
    assert_still_serving(&platform, &clinician_b).await;
}
