//! A browser session's sign-in stage and the rule that picks it after the password step.
//!
//! Not here: timeouts (judged by the database clock in `db::sessions`) and the cookie.

/// How far a session has come. Only `Authenticated` may yield a code or choose a practice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Password accepted; a second factor is still owed.
    Mfa,
    /// Password accepted; a second factor is required but none is set up yet.
    MfaEnroll,
    Authenticated,
}

impl Stage {
    pub const fn as_str(self) -> &'static str {
        match self {
            Stage::Mfa => "mfa",
            Stage::MfaEnroll => "mfa_enroll",
            Stage::Authenticated => "authenticated",
        }
    }

    /// Parses the stored value; `None` for anything else (corrupt data, never input).
    pub fn from_db(value: &str) -> Option<Self> {
        match value {
            "mfa" => Some(Stage::Mfa),
            "mfa_enroll" => Some(Stage::MfaEnroll),
            "authenticated" => Some(Stage::Authenticated),
            _ => None,
        }
    }

    /// The stage right after a correct password (or a federated sign-in). An enrolled
    /// second factor is always asked for, required or not: someone who set one up expects
    /// it to protect them. Also the stage a session goes back to, with `mfa_required`,
    /// when a practice's policy asks for a factor the session never gave.
    pub const fn after_password(mfa_enrolled: bool, mfa_required: bool) -> Self {
        match (mfa_enrolled, mfa_required) {
            (true, _) => Stage::Mfa,
            (false, true) => Stage::MfaEnroll,
            (false, false) => Stage::Authenticated,
        }
    }
}

/// The `amr` values (RFC 8176) a session records.
pub const AMR_PASSWORD: &str = "pwd";
pub const AMR_OTP: &str = "otp";
/// Authenticated by the practice's own IdP (per-practice SSO).
pub const AMR_FEDERATED: &str = "fed";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_enrolled_or_required_second_factor_is_never_skipped() {
        assert_eq!(Stage::after_password(true, false), Stage::Mfa);
        assert_eq!(Stage::after_password(true, true), Stage::Mfa);
        assert_eq!(Stage::after_password(false, true), Stage::MfaEnroll);
        assert_eq!(Stage::after_password(false, false), Stage::Authenticated);
    }

    #[test]
    fn stages_round_trip_through_their_stored_names() {
        for stage in [Stage::Mfa, Stage::MfaEnroll, Stage::Authenticated] {
            assert_eq!(Stage::from_db(stage.as_str()), Some(stage));
        }
        assert_eq!(Stage::from_db("other"), None);
    }
}
