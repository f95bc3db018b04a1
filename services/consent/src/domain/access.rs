//! Who reaches whose consent documents, once the role table (`tp_authz`) has said the caller
//! may use the permission at all in this practice. Roles say what may ever be done; these
//! rules say to whom.
//!
//! - Signing and withdrawing: the client themself, never someone on their behalf.
//! - Reading signed documents (their full text, typed name, IP): the client themself, or a
//!   practice admin for any client of the practice. Clinicians and staff hold no
//!   `ConsentDocumentsRead`; the role table refuses them before this.
//! - Recording an outside provider's records request: a practice admin or staff member, for
//!   a client other than themself.
//! - Readiness (titles and booleans): any practice member with `ConsentReadinessRead`, or
//!   the client themself; a client never asks about another client.

use tp_auth::{Actor, Role, RoleSet};
use tp_ids::UserId;

/// Why a caller reaches a client's consent documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// The client themself.
    Own,
    /// A practice member acting on the practice's behalf.
    Practice,
    Refused,
}

fn is_self(actor: &Actor, client: UserId) -> bool {
    matches!(actor, Actor::User(user) if *user == client)
}

/// Signing and withdrawing: only the client themself.
pub fn signing(actor: &Actor, client: UserId) -> Reach {
    if is_self(actor, client) { Reach::Own } else { Reach::Refused }
}

/// Reading signed documents: the client themself, or a practice admin.
pub fn reading(actor: &Actor, roles: RoleSet, client: UserId) -> Reach {
    if is_self(actor, client) {
        Reach::Own
    } else if roles.contains(Role::PracticeAdmin) {
        Reach::Practice
    } else {
        Reach::Refused
    }
}

/// Recording an outside provider's request for a client: a practice admin or staff member,
/// never for themself (a request is the client's to answer, not to make for themself).
pub fn recording(actor: &Actor, roles: RoleSet, client: UserId) -> Reach {
    if !is_self(actor, client) && [Role::PracticeAdmin, Role::Staff].iter().any(|role| roles.contains(*role)) {
        Reach::Practice
    } else {
        Reach::Refused
    }
}

/// Readiness: the client themself, or a member of the practice's team.
pub fn readiness(actor: &Actor, roles: RoleSet, client: UserId) -> Reach {
    if is_self(actor, client) {
        Reach::Own
    } else if [Role::PracticeAdmin, Role::Clinician, Role::Staff].iter().any(|role| roles.contains(*role)) {
        Reach::Practice
    } else {
        Reach::Refused
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(list: &[Role]) -> RoleSet {
        list.iter().copied().collect()
    }

    #[test]
    fn only_the_client_signs_for_themself() {
        let (me, other) = (UserId::generate(), UserId::generate());
        assert_eq!(signing(&Actor::User(me), me), Reach::Own);
        assert_eq!(signing(&Actor::User(other), me), Reach::Refused);
        let machine = Actor::Client(tp_ids::ClientId::parse("portal").unwrap());
        assert_eq!(signing(&machine, me), Reach::Refused);
    }

    #[test]
    fn documents_are_read_by_their_client_or_a_practice_admin_only() {
        let (me, other) = (UserId::generate(), UserId::generate());
        assert_eq!(reading(&Actor::User(me), roles(&[Role::Client]), me), Reach::Own);
        assert_eq!(reading(&Actor::User(other), roles(&[Role::Client]), me), Reach::Refused);
        assert_eq!(reading(&Actor::User(other), roles(&[Role::PracticeAdmin]), me), Reach::Practice);
        for role in [Role::Clinician, Role::Staff, Role::ApiClient] {
            assert_eq!(reading(&Actor::User(other), roles(&[role]), me), Reach::Refused, "{role}");
        }
    }

    #[test]
    fn the_front_desk_records_outside_requests_for_others_only() {
        let (me, other) = (UserId::generate(), UserId::generate());
        for role in [Role::PracticeAdmin, Role::Staff] {
            assert_eq!(recording(&Actor::User(other), roles(&[role]), me), Reach::Practice, "{role}");
            assert_eq!(recording(&Actor::User(me), roles(&[role]), me), Reach::Refused, "{role} for themself");
        }
        assert_eq!(recording(&Actor::User(other), roles(&[Role::Client]), me), Reach::Refused);
    }

    #[test]
    fn readiness_is_for_the_team_and_the_client_themself() {
        let (me, other) = (UserId::generate(), UserId::generate());
        assert_eq!(readiness(&Actor::User(me), roles(&[Role::Client]), me), Reach::Own);
        assert_eq!(readiness(&Actor::User(other), roles(&[Role::Client]), me), Reach::Refused);
        for role in [Role::PracticeAdmin, Role::Clinician, Role::Staff] {
            assert_eq!(readiness(&Actor::User(other), roles(&[role]), me), Reach::Practice, "{role}");
        }
    }
}
