use Category::*;
use chrono::Duration;
use tp_ids::{TenantId, UserId};

use super::*;

fn roi(recipient: Recipient, categories: &[Category]) -> Authorized {
    Authorized {
        id: Uuid::now_v7(),
        kind: DocumentKind::ReleaseOfInformation,
        recipient,
        categories: categories.to_vec(),
        status: AuthorizationStatus::Active,
    }
}

fn outside(email: &str) -> Recipient {
    Recipient::Outside { name: "Dr Ada".into(), organisation: None, email: email.into() }
}

#[test]
fn status_is_revoked_then_expired_then_active() {
    let now = Utc::now();
    let (past, future) = (Some(now - Duration::days(1)), Some(now + Duration::days(1)));
    assert_eq!(status(past, None, future, now), AuthorizationStatus::Revoked);
    assert_eq!(status(None, past, future, now), AuthorizationStatus::Expired);
    assert_eq!(status(None, None, past, now), AuthorizationStatus::Expired);
    assert_eq!(status(None, None, Some(now), now), AuthorizationStatus::Expired, "expiry is exclusive");
    assert_eq!(status(None, None, future, now), AuthorizationStatus::Active);
    assert_eq!(status(None, None, None, now), AuthorizationStatus::Active);
}

#[test]
fn a_practice_covers_its_clinicians_but_a_clinician_not_the_practice() {
    let (t, other) = (TenantId::generate(), TenantId::generate());
    let user = UserId::generate();
    let practice = Recipient::Practice { tenant_id: t };
    let clinician = Recipient::Clinician { tenant_id: t, user_id: user };
    assert!(covers(&practice, &practice) && covers(&practice, &clinician) && covers(&clinician, &clinician));
    assert!(!covers(&clinician, &practice));
    assert!(!covers(&Recipient::Clinician { tenant_id: t, user_id: UserId::generate() }, &clinician));
    assert!(!covers(&Recipient::Practice { tenant_id: other }, &clinician));
    assert!(!covers(&Recipient::Clinician { tenant_id: other, user_id: user }, &clinician));
    assert!(covers(&outside("Ada@Clinic.Example"), &outside("ada@clinic.example")));
    assert!(!covers(&outside("ada@clinic.example"), &outside("bob@clinic.example")));
    assert!(!covers(&outside("ada@clinic.example"), &practice));
}

#[test]
fn grants_intersect_union_and_lose_restricted_categories() {
    let to = outside("ada@clinic.example");
    let first = roi(to.clone(), &[Demographics, Diagnoses]);
    let second = roi(to.clone(), &[Assessments]);
    let asked = [Demographics, Diagnoses, Assessments, Documents];
    let decision = decide(&to, &asked, &[first.clone(), second.clone()], &[]);
    assert!(decision.permit);
    assert_eq!(decision.categories, [Demographics, Diagnoses, Assessments]);
    assert_eq!(decision.denied, [Documents]);
    assert_eq!(decision.grants.len(), 2);
    let restricted = [Restricted { recipient: None, categories: vec![Diagnoses] }];
    assert_eq!(decide(&to, &asked, std::slice::from_ref(&first), &restricted).categories, [Demographics]);
    let everything = [Restricted { recipient: Some(to.clone()), categories: vec![] }];
    assert!(!decide(&to, &asked, std::slice::from_ref(&first), &everything).permit);
    let elsewhere = [Restricted { recipient: Some(outside("bob@clinic.example")), categories: vec![] }];
    assert!(decide(&to, &asked, &[first], &elsewhere).permit);
}

#[test]
fn inactive_authorizations_and_special_categories_from_a_release_grant_nothing() {
    let to = outside("ada@clinic.example");
    for status in [AuthorizationStatus::Expired, AuthorizationStatus::Revoked] {
        let authorization = Authorized { status, ..roi(to.clone(), &[Demographics]) };
        assert!(!decide(&to, &[Demographics], &[authorization], &[]).permit, "{status:?}");
    }
    let forged = roi(to.clone(), &[PsychotherapyNotes, SudRecords]);
    let decision = decide(&to, &[PsychotherapyNotes, SudRecords], &[forged], &[]);
    assert!(!decision.permit && decision.denied == [PsychotherapyNotes, SudRecords]);
    let notes = Authorized {
        kind: DocumentKind::PsychotherapyNotesAuthorization,
        ..roi(to.clone(), &[PsychotherapyNotes, Demographics])
    };
    assert_eq!(decide(&to, &[PsychotherapyNotes, Demographics], &[notes], &[]).categories, [PsychotherapyNotes]);
    assert!(!decide(&to, &[], &[roi(to.clone(), &[Demographics])], &[]).permit, "nothing asked, nothing permitted");
}
