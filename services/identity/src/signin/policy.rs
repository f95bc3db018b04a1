//! The MFA policy as the sign-in steps apply it: whether a membership's practice asks its
//! person for a second factor, and whether a session still owes one.
//!
//! The policy is checked where it matters, when a code (or token) for a practice is about
//! to be issued, not only at the password step: the practice may have been chosen, become
//! active, or tightened its `mfa_required_roles` since. Not here: the stage change that
//! asks for the factor (`flow`), the token endpoint's own check (`oauth::person`).

use std::str::FromStr as _;

use tp_auth::Role;

use crate::accounts::mfa_required;
use crate::db::own_memberships::OwnMembership;
use crate::domain::session::AMR_OTP;

/// Roles by name; unknown names are skipped (a check constraint lists the known ones).
pub(crate) fn roles(names: &[String]) -> Vec<Role> {
    names.iter().filter_map(|n| Role::from_str(n).ok()).collect()
}

/// Whether the membership's practice requires a second factor of this person now.
pub(crate) fn requires_mfa(membership: &OwnMembership) -> bool {
    mfa_required(false, &roles(&membership.roles), &roles(&membership.mfa_required_roles))
}

/// Whether a session that authenticated by `amr` still owes a second factor `required` asks.
pub(crate) fn owes_second_factor(required: bool, amr: &[String]) -> bool {
    required && !amr.iter().any(|a| a == AMR_OTP)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amr(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| (*v).to_owned()).collect()
    }

    #[test]
    fn only_an_otp_in_the_sessions_amr_pays_a_required_second_factor() {
        assert!(owes_second_factor(true, &amr(&["pwd"])));
        assert!(owes_second_factor(true, &amr(&["fed"])));
        assert!(!owes_second_factor(true, &amr(&["pwd", "otp"])));
        assert!(!owes_second_factor(false, &amr(&["pwd"])));
    }
}
