//! Which relationship to the client a caller needs once `tp_authz` has allowed the
//! permission itself: practice admins and staff reach every chart of their practice, a
//! client only their own (to read), a clinician only their care team's, which identity
//! knows and records asks about on each request.
//!
//! Not here: the role -> permission table (libs/authz) and the care-team look-up (I/O).

use tp_auth::{Actor, Principal, Role};
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
