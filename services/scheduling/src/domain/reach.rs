//! Who reaches which appointment, once the role table allowed the operation:
//!
//! - a practice admin or staff member: every appointment of the practice (times and ids);
//! - a clinician: the appointments where they are the clinician;
//! - a client: their own appointments.
//!
//! Booking and cancelling reach the same appointments as reading. A room is its two
//! participants' only (admins and staff keep the schedule, not the session), and only the
//! clinician records. Each reach comes from the role that grants it: a clinician who is
//! also a client of the practice books as a client for themself only.

use tp_auth::{Actor, Role, RoleSet};
use tp_ids::UserId;

/// How a caller stands towards appointments, from their roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    /// Admin or staff: the whole practice's schedule.
    pub practice: bool,
    /// Their own id when they hold the clinician role.
    pub clinician: Option<UserId>,
    /// Their own id when they hold the client role.
    pub client: Option<UserId>,
}

/// The two people of an appointment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parties {
    pub client: UserId,
    pub clinician: UserId,
}

/// A participant of a telehealth session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Participant {
    Clinician,
    Client,
}

impl Viewer {
    pub fn of(actor: &Actor, roles: RoleSet) -> Self {
        let user = match actor {
            Actor::User(user) => Some(*user),
            // Machines hold no scheduling permission; they reach nothing here either.
            Actor::Client(_) => None,
        };
        let has = |role: Role| roles.contains(role);
        Self {
            practice: user.is_some() && (has(Role::PracticeAdmin) || has(Role::Staff)),
            clinician: user.filter(|_| has(Role::Clinician)),
            client: user.filter(|_| has(Role::Client)),
        }
    }

    /// Whether the caller reaches an appointment between `parties` (to read, book or cancel).
    pub fn reaches(&self, parties: Parties) -> bool {
        self.practice || self.clinician == Some(parties.clinician) || self.client == Some(parties.client)
    }

    /// How the caller takes part in the session between `parties`, if they do.
    pub fn participant(&self, parties: Parties) -> Option<Participant> {
        if self.clinician == Some(parties.clinician) {
            Some(Participant::Clinician)
        } else if self.client == Some(parties.client) {
            Some(Participant::Client)
        } else {
            None
        }
    }

    /// Whether the caller is the person `user` in the role `role` (no directory check needed
    /// for them: their token says it).
    pub fn is(&self, user: UserId, role: Role) -> bool {
        match role {
            Role::Clinician => self.clinician == Some(user),
            Role::Client => self.client == Some(user),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer(roles: &[Role], me: UserId) -> Viewer {
        Viewer::of(&Actor::User(me), roles.iter().copied().collect())
    }

    #[test]
    fn admins_and_staff_reach_every_appointment_and_join_none() {
        let (me, a, b) = (UserId::generate(), UserId::generate(), UserId::generate());
        for role in [Role::PracticeAdmin, Role::Staff] {
            let v = viewer(&[role], me);
            assert!(v.reaches(Parties { client: a, clinician: b }));
            assert_eq!(v.participant(Parties { client: a, clinician: b }), None);
        }
    }

    #[test]
    fn a_clinician_reaches_their_own_schedule_only() {
        let (me, client, other) = (UserId::generate(), UserId::generate(), UserId::generate());
        let v = viewer(&[Role::Clinician], me);
        assert!(v.reaches(Parties { client, clinician: me }));
        assert_eq!(v.participant(Parties { client, clinician: me }), Some(Participant::Clinician));
        assert!(!v.reaches(Parties { client, clinician: other }));
        // A clinician is not the client of their own appointment as a client would be.
        assert!(!v.reaches(Parties { client: me, clinician: other }));
    }

    #[test]
    fn a_client_reaches_their_own_appointments_only() {
        let (me, clinician, other) = (UserId::generate(), UserId::generate(), UserId::generate());
        let v = viewer(&[Role::Client], me);
        assert!(v.reaches(Parties { client: me, clinician }));
        assert_eq!(v.participant(Parties { client: me, clinician }), Some(Participant::Client));
        assert!(!v.reaches(Parties { client: other, clinician }));
        assert!(!v.reaches(Parties { client: other, clinician: me }));
    }

    #[test]
    fn a_clinician_who_is_also_a_client_reaches_each_side_through_its_own_role() {
        let (me, someone, colleague) = (UserId::generate(), UserId::generate(), UserId::generate());
        let v = viewer(&[Role::Clinician, Role::Client], me);
        assert_eq!(v.participant(Parties { client: someone, clinician: me }), Some(Participant::Clinician));
        assert_eq!(v.participant(Parties { client: me, clinician: colleague }), Some(Participant::Client));
        assert!(!v.reaches(Parties { client: someone, clinician: colleague }));
    }

    #[test]
    fn a_machine_reaches_nothing() {
        let v = Viewer::of(
            &Actor::Client(tp_ids::ClientId::parse("svc-1").unwrap()),
            [Role::PracticeAdmin].into_iter().collect(),
        );
        assert!(!v.reaches(Parties { client: UserId::generate(), clinician: UserId::generate() }));
    }
}
