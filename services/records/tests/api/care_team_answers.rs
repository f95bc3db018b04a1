//! records keeps identity's "on the care team" answers (`care_team::answers`): the kept answer
//! is really used, and no kept answer outlives an unassignment or a client leaving the
//! practice once identity has answered it, nor a new care-team stamp.

use reqwest::{Method, StatusCode};
use serde_json::json;
use tp_identity_api::internal::care_team_stamp_key;
use tp_records_api::paths;

use crate::care_team::care_team;

#[tokio::test]
async fn an_unassignment_identity_answered_ends_the_clinicians_reads_at_once() {
    // Arrange: the clinician's "assigned" is kept after a first read.
    let t = care_team().await;
    let notes = paths::notes(t.tenant, t.client.user);
    assert_eq!(t.call(&t.clinician, Method::GET, &notes, None).await.0, StatusCode::OK);
    let admin = t.person(&["practice_admin"]).await;
    // Another practice's change does not touch this one's stamp, nor its people.
    let other_admin = t.p.person(t.other, &["practice_admin"]).await;
    let pair = json!({ "clinician_id": t.clinician.user, "client_id": t.client.user });
    let (status, _) = t
        .p
        .identity_call(&other_admin, Method::DELETE, &format!("/v1/tenants/{}/care-team", t.tenant), Some(pair.clone()))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another practice's admin cannot unassign here");
    assert_eq!(t.call(&t.clinician, Method::GET, &notes, None).await.0, StatusCode::OK);

    // Act: the admin ends the assignment through identity.
    let (status, body) =
        t.p.identity_call(&admin, Method::DELETE, &format!("/v1/tenants/{}/care-team", t.tenant), Some(pair)).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");

    // Assert: the very next read is refused.
    let (status, body) = t.call(&t.clinician, Method::GET, &notes, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
}

#[tokio::test]
async fn a_client_leaving_the_practice_ends_their_care_teams_reads_at_once() {
    let t = care_team().await;
    let notes = paths::notes(t.tenant, t.client.user);
    assert_eq!(t.call(&t.clinician, Method::GET, &notes, None).await.0, StatusCode::OK);
    let admin = t.person(&["practice_admin"]).await;

    let member = format!("/v1/tenants/{}/members/{}", t.tenant, t.client.user);
    let (status, body) = t.p.identity_call(&admin, Method::DELETE, &member, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");

    let (status, body) = t.call(&t.clinician, Method::GET, &notes, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
}

#[tokio::test]
async fn a_kept_answer_serves_only_under_the_stamp_it_was_kept_under() {
    // Arrange: an answer kept, then the assignment's row deleted behind identity's back, so
    // that identity would now say no and has not replaced the stamp.
    let t = care_team().await;
    let notes = paths::notes(t.tenant, t.client.user);
    assert_eq!(t.call(&t.clinician, Method::GET, &notes, None).await.0, StatusCode::OK);
    t.p.drop_care_team_rows(t.tenant, t.client.user).await;

    // The kept answer is what serves this read: identity is not asked.
    assert_eq!(t.call(&t.clinician, Method::GET, &notes, None).await.0, StatusCode::OK);

    // Act: a new stamp, as identity writes after any care-team change it commits.
    let redis = redis::Client::open(tp_testkit::TestEnv::get().redis_url()).unwrap();
    let mut redis = redis.get_multiplexed_async_connection().await.unwrap();
    redis::cmd("SET")
        .arg(care_team_stamp_key(t.tenant))
        .arg("a new stamp")
        .query_async::<()>(&mut redis)
        .await
        .unwrap();

    // Assert: identity is asked again and says no.
    let (status, body) = t.call(&t.clinician, Method::GET, &notes, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
}

#[tokio::test]
async fn a_lost_stamp_is_replaced_by_a_fresh_one_never_by_the_one_an_answer_was_kept_under() {
    // Arrange: this practice's care teams never changed through identity, so records wrote
    // the first stamp itself; an answer is kept under it.
    let t = care_team().await;
    let notes = paths::notes(t.tenant, t.client.user);
    assert_eq!(t.call(&t.clinician, Method::GET, &notes, None).await.0, StatusCode::OK);
    let redis = redis::Client::open(tp_testkit::TestEnv::get().redis_url()).unwrap();
    let mut redis = redis.get_multiplexed_async_connection().await.unwrap();
    let first: Option<String> =
        redis::cmd("GET").arg(care_team_stamp_key(t.tenant)).query_async(&mut redis).await.unwrap();
    assert!(first.is_some(), "records wrote a stamp where there was none");
    t.p.drop_care_team_rows(t.tenant, t.client.user).await;

    // Act: Redis loses the stamp.
    redis::cmd("DEL").arg(care_team_stamp_key(t.tenant)).query_async::<()>(&mut redis).await.unwrap();

    // Assert: identity is asked again (a fresh stamp, not the lost one) and says no.
    let (status, body) = t.call(&t.clinician, Method::GET, &notes, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let second: Option<String> =
        redis::cmd("GET").arg(care_team_stamp_key(t.tenant)).query_async(&mut redis).await.unwrap();
    assert!(second.is_some() && second != first, "a fresh stamp");
}
