//! Who may verify which chain.

use tp_ids::TenantId;

use crate::harness;

#[tokio::test]
async fn only_the_practices_own_admin_or_an_operator_may_verify_its_chain() {
    let mut app = harness::spawn().await;
    let (a, b) = (TenantId::generate(), TenantId::generate());
    app.write_events(Some(a), 1).await;
    app.seal().await;

    let admin_of_b = app.member_token(b, "practice_admin").await;
    let (status, body) = app.verify(Some(a), Some(&admin_of_b)).await;
    assert_eq!(status, 404, "another practice's chain does not exist for B's admin: {body}");
    assert!(body.get("sealed").is_none(), "{body}");

    let clinician_of_a = app.member_token(a, "clinician").await;
    assert_eq!(app.verify(Some(a), Some(&clinician_of_a)).await.0, 403);
    assert_eq!(app.verify(Some(a), None).await.0, 401);

    // The platform chain is the operators' alone.
    let admin_of_a = app.member_token(a, "practice_admin").await;
    assert_eq!(app.verify(None, Some(&admin_of_a)).await.0, 403);
    assert_eq!(app.verify(Some(a), Some(&admin_of_a)).await.0, 200);
}
