//! Which relationship to the client a caller needs once `tp_authz` has allowed the
//! permission itself: practice admins and staff reach every chart of their practice, a
//! client only their own (to read), a clinician only their care team's, which identity
//! knows and records asks about on each request.
//!
//! Clinical content (notes, diagnoses, plans, medications, documents, forms) is never reached
//! by role alone: see [`clinical`].
//!
//! Not here: the role -> permission table (libs/authz) and the care-team look-up (I/O).

use tp_auth::{Actor, Principal, Role, RoleSet};
use tp_authz::Permission;
use tp_ids::UserId;

/// What stands between an authorised caller and this client's chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    /// Nothing more: the caller's role reaches every client of the practice, or this is
    /// the client reading their own chart.
    Granted,
    /// Allowed only if identity says `clinician` is on the client's care team.
    CareTeam {
        clinician: UserId,
    },
    Refused,
}

/// The requirement for `principal` acting on `client`'s chart; `write` for changes (a
/// client never changes their own demographics here: they ask the practice).
pub fn requirement(principal: &Principal, client: UserId, write: bool) -> Requirement {
    if principal.has_role(Role::PracticeAdmin) || principal.has_role(Role::Staff) {
        return Requirement::Granted;
    }
    let Actor::User(me) = principal.actor() else {
        return Requirement::Refused;
    };
    if principal.has_role(Role::Client) && *me == client && !write {
        return Requirement::Granted;
    }
    if principal.has_role(Role::Clinician) && *me != client {
        return Requirement::CareTeam { clinician: *me };
    }
    Requirement::Refused
}

/// What stands between a caller the role table allowed and a client's clinical content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clinical {
    /// The client, using a permission clients hold about their own chart.
    Own,
    /// Allowed only if identity says `member` is on the client's care team: clinicians,
    /// and practice admins, who manage the practice but read clinical content only as
    /// members of the care team.
    CareTeam {
        member: UserId,
    },
    Refused,
}

/// The requirement for `actor` holding `roles` using `permission` on `client`'s clinical
/// content. A person who is also a client of the practice reaches their own chart with a
/// client's permissions only, never their staff roles' (no clinician writes their own
/// chart), and another client's chart with their staff roles' permissions only.
pub fn clinical(actor: &Actor, roles: RoleSet, client: UserId, permission: Permission) -> Clinical {
    let Actor::User(me) = actor else {
        return Clinical::Refused;
    };
    if *me == client {
        let own = roles.contains(Role::Client) && tp_authz::granted(Role::Client).contains(&permission);
        return if own { Clinical::Own } else { Clinical::Refused };
    }
    // Through the care team only with a member's role that grants the permission itself: a
    // clinician who is also a client of the practice never uses a client's permission
    // (request an amendment, package a disclosure) on another client's chart.
    let as_member = |role: Role| roles.contains(role) && tp_authz::granted(role).contains(&permission);
    if as_member(Role::Clinician) || as_member(Role::PracticeAdmin) {
        Clinical::CareTeam { member: *me }
    } else {
        Clinical::Refused
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clinical_for(me: UserId, roles: &[Role], client: UserId, permission: Permission) -> Clinical {
        clinical(&Actor::User(me), roles.iter().copied().collect(), client, permission)
    }

    #[test]
    fn clinical_content_is_reached_through_the_care_team_or_as_its_own_client() {
        let (me, client) = (UserId::generate(), UserId::generate());
        let read = Permission::ClinicalRead;
        assert_eq!(clinical_for(me, &[Role::Clinician], client, read), Clinical::CareTeam { member: me });
        assert_eq!(clinical_for(me, &[Role::PracticeAdmin], client, read), Clinical::CareTeam { member: me });
        assert_eq!(clinical_for(me, &[Role::Staff], client, read), Clinical::Refused);
        assert_eq!(clinical_for(client, &[Role::Client], client, read), Clinical::Own);
        assert_eq!(clinical_for(me, &[Role::Client], client, read), Clinical::Refused);
    }

    #[test]
    fn a_clinician_who_is_also_a_client_uses_only_a_members_permissions_on_another_chart() {
        let (me, other) = (UserId::generate(), UserId::generate());
        let both = [Role::Clinician, Role::Client];
        assert_eq!(clinical_for(me, &both, other, Permission::AmendmentsRequest), Clinical::Refused);
        assert_eq!(clinical_for(me, &both, other, Permission::DisclosurePackage), Clinical::Refused);
        assert_eq!(clinical_for(me, &both, other, Permission::ClinicalRead), Clinical::CareTeam { member: me });
        let admin_and_client = [Role::PracticeAdmin, Role::Client];
        assert_eq!(clinical_for(me, &admin_and_client, other, Permission::FormsRespond), Clinical::Refused);
    }

    #[test]
    fn a_clinician_who_is_also_a_client_never_writes_their_own_chart() {
        let me = UserId::generate();
        let both = [Role::Clinician, Role::Client];
        assert_eq!(clinical_for(me, &both, me, Permission::ClinicalWrite), Clinical::Refused);
        assert_eq!(clinical_for(me, &both, me, Permission::NotesWrite), Clinical::Refused);
        assert_eq!(clinical_for(me, &both, me, Permission::ClinicalRead), Clinical::Own);
        assert_eq!(clinical_for(me, &[Role::Clinician], me, Permission::ClinicalRead), Clinical::Refused);
    }
}
