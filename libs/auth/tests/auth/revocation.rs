//! The revocation check against the test profile's real Redis, and its failure mode.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tp_auth::{AuthError, REVOKED_SESSION_PREFIX, Unavailable};
use tp_testkit::TestEnv;

use crate::issuer::TestIssuer;

pub async fn redis() -> ConnectionManager {
    tp_testkit::init();
    let client = redis::Client::open(TestEnv::get().redis_url()).unwrap();
    ConnectionManager::new(client).await.expect("test Redis; is the test profile up?")
}

/// A handle on a port nothing listens on, with short timeouts.
pub fn unreachable_redis() -> ConnectionManager {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let client = redis::Client::open(format!("redis://{closed}")).unwrap();
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(Duration::from_millis(500)))
        .set_response_timeout(Some(Duration::from_millis(500)))
        .set_number_of_retries(0);
    ConnectionManager::new_lazy_with_config(client, config).unwrap()
}

#[tokio::test]
async fn a_token_of_a_revoked_session_is_refused_and_other_sessions_are_not() {
    // Arrange
    let issuer = TestIssuer::start().await;
    let verifier = issuer.verifier();
    let mut redis = redis().await;
    let revoked = issuer.claims();
    let other = issuer.claims();
    let key = format!("{REVOKED_SESSION_PREFIX}{}", revoked.sid);
    let _: () = redis::cmd("SET").arg(&key).arg(1).arg("EX").arg(60).query_async(&mut redis).await.unwrap();
    // Act
    let refused = verifier.authenticate(&issuer.sign(&revoked), &mut redis).await;
    let accepted = verifier.authenticate(&issuer.sign(&other), &mut redis).await;
    // Assert
    assert!(matches!(refused, Err(AuthError::Revoked)), "{refused:?}");
    assert!(accepted.is_ok(), "{accepted:?}");
}

#[tokio::test]
async fn a_revoked_session_is_refused_even_when_its_token_is_cached() {
    // Arrange: the token was accepted once, so `verify` now answers from its cache.
    let issuer = TestIssuer::start().await;
    let verifier = issuer.verifier();
    let mut redis = redis().await;
    let claims = issuer.claims();
    let token = issuer.sign(&claims);
    verifier.authenticate(&token, &mut redis).await.unwrap();
    assert_eq!(verifier.cached_tokens(), 1);
    // Act: identity revokes the session.
    let key = format!("{REVOKED_SESSION_PREFIX}{}", claims.sid);
    let _: () = redis::cmd("SET").arg(&key).arg(1).arg("EX").arg(60).query_async(&mut redis).await.unwrap();
    let result = verifier.authenticate(&token, &mut redis).await;
    // Assert
    assert!(matches!(result, Err(AuthError::Revoked)), "{result:?}");
}

#[tokio::test]
async fn an_unreachable_redis_refuses_the_token_as_unavailable() {
    let issuer = TestIssuer::start().await;
    let mut redis = unreachable_redis();
    let result = issuer.verifier().authenticate(&issuer.sign(&issuer.claims()), &mut redis).await;
    assert!(matches!(result, Err(AuthError::Unavailable(Unavailable::Redis(_)))), "{result:?}");
}

#[tokio::test]
async fn authenticate_and_get_reads_the_key_in_the_revocation_round_trip_and_still_refuses_revoked_sessions() {
    // Arrange: one revoked session, one live; a key of the live principal's own naming.
    let issuer = TestIssuer::start().await;
    let verifier = issuer.verifier();
    let mut redis = redis().await;
    let (revoked, live) = (issuer.claims(), issuer.claims());
    let revoked_key = format!("{REVOKED_SESSION_PREFIX}{}", revoked.sid);
    let _: () = redis::cmd("SET").arg(&revoked_key).arg(1).arg("EX").arg(60).query_async(&mut redis).await.unwrap();
    let named = format!("tp-auth-test:{}", live.sid);
    let _: () = redis::cmd("SET").arg(&named).arg("the value").arg("EX").arg(60).query_async(&mut redis).await.unwrap();
    let key = |principal: &tp_auth::Principal| Some(format!("tp-auth-test:{}", principal.session()));

    // Act
    let refused = verifier.authenticate_and_get(&issuer.sign(&revoked), &mut redis, key).await;
    let (principal, value) = verifier.authenticate_and_get(&issuer.sign(&live), &mut redis, key).await.unwrap();
    let absent =
        verifier.authenticate_and_get(&issuer.sign(&live), &mut redis, |_| Some("tp-auth-test:none".into())).await;
    let nothing_more = verifier.authenticate_and_get(&issuer.sign(&revoked), &mut redis, |_| None).await;
    let down = verifier.authenticate_and_get(&issuer.sign(&live), &mut unreachable_redis(), key).await;

    // Assert
    assert!(matches!(refused, Err(AuthError::Revoked)), "{refused:?}");
    assert_eq!(principal.session().to_string(), live.sid);
    assert_eq!(value.as_deref(), Some("the value"));
    assert!(matches!(absent, Ok((_, None))), "{absent:?}");
    assert!(matches!(nothing_more, Err(AuthError::Revoked)), "{nothing_more:?}");
    assert!(matches!(down, Err(AuthError::Unavailable(Unavailable::Redis(_)))), "{down:?}");
}
