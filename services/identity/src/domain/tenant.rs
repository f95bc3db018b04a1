//! Tenants (group practices): their slug and name, lifecycle, and session policy.
//!
//! Lifecycle: `active` → `suspended` (no sign-in, no tokens; reversible) → `offboarded`
//! (the tenant's transit key is destroyed, which crypto-shreds its data; irreversible and
//! only with the slug typed back as confirmation).

use tp_auth::Role;

use crate::error::Error;

/// URL-safe short name of a practice (`lakeside`): lower-case letters, digits and inner
/// hyphens, 1 to 63 characters (a DNS label, so it can become a sub-domain).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantSlug(String);

impl TenantSlug {
    pub fn parse(input: &str) -> Result<Self, Error> {
        let slug = input.trim();
        let charset = slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        let edges = !slug.starts_with('-') && !slug.ends_with('-');
        if (1..=63).contains(&slug.len()) && charset && edges {
            Ok(Self(slug.to_owned()))
        } else {
            Err(Error::invalid("slug", "use 1 to 63 lower-case letters, digits and inner hyphens"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Display name of a practice: 1 to 200 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantName(String);

impl TenantName {
    pub fn parse(input: &str) -> Result<Self, Error> {
        let name = input.trim();
        let length = name.chars().count();
        if (1..=200).contains(&length) && !name.chars().any(char::is_control) {
            Ok(Self(name.to_owned()))
        } else {
            Err(Error::invalid("name", "use 1 to 200 printable characters"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenantStatus {
    Active,
    Suspended,
    Offboarded,
}

impl TenantStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            TenantStatus::Active => "active",
            TenantStatus::Suspended => "suspended",
            TenantStatus::Offboarded => "offboarded",
        }
    }

    /// Parses the database value; anything else is corrupt data, not user input.
    pub fn from_db(value: &str) -> Result<Self, Error> {
        match value {
            "active" => Ok(TenantStatus::Active),
            "suspended" => Ok(TenantStatus::Suspended),
            "offboarded" => Ok(TenantStatus::Offboarded),
            _ => Err(Error::Internal(anyhow::anyhow!("unknown tenant status in the database"))),
        }
    }
}

/// A practice's sign-in policy. Bounds keep a typo from disabling automatic logoff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionPolicy {
    /// Membership roles that must use a second factor.
    pub mfa_required_roles: Vec<Role>,
    /// Automatic logoff after this long without activity.
    pub idle_timeout_secs: u32,
    /// Sign in again after this long, active or not.
    pub absolute_timeout_secs: u32,
}

impl SessionPolicy {
    pub const IDLE: std::ops::RangeInclusive<u32> = 60..=86_400;
    pub const ABSOLUTE: std::ops::RangeInclusive<u32> = 900..=7 * 86_400;

    pub fn parse(mfa_required_roles: &[String], idle: u32, absolute: u32) -> Result<Self, Error> {
        let mut roles = Vec::new();
        for name in mfa_required_roles {
            let role = name.parse::<Role>().ok().filter(|r| Role::MEMBERSHIP.contains(r));
            let role = role.ok_or_else(|| Error::invalid("mfa_required_roles", "unknown membership role"))?;
            if !roles.contains(&role) {
                roles.push(role);
            }
        }
        if !Self::IDLE.contains(&idle) {
            return Err(Error::invalid("idle_timeout_secs", "must be between 60 and 86400"));
        }
        if !Self::ABSOLUTE.contains(&absolute) || absolute < idle {
            return Err(Error::invalid(
                "absolute_timeout_secs",
                "must be between 900 and 604800 and not below the idle timeout",
            ));
        }
        Ok(Self { mfa_required_roles: roles, idle_timeout_secs: idle, absolute_timeout_secs: absolute })
    }
}

/// Offboarding destroys data for good, so the operator types the slug back.
pub fn check_offboard_confirmation(slug: &str, confirmation: &str) -> Result<(), Error> {
    if confirmation.trim() == slug {
        Ok(())
    } else {
        Err(Error::invalid("confirm", "type the tenant's slug to confirm offboarding"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_dns_labels() {
        for good in ["a", "lakeside", "north-side-2"] {
            assert!(TenantSlug::parse(good).is_ok(), "{good}");
        }
        for bad in ["", "-a", "a-", "Upper", "with space", "ünï", &"a".repeat(64)] {
            assert!(TenantSlug::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_refuse_control_characters_and_empty_input() {
        assert!(TenantName::parse("  Lakeside Therapy Group ").is_ok());
        assert!(TenantName::parse("   ").is_err());
        assert!(TenantName::parse("line\nbreak").is_err());
        assert!(TenantName::parse(&"x".repeat(201)).is_err());
    }

    #[test]
    fn session_policy_keeps_automatic_logoff_within_bounds() {
        let roles = vec!["clinician".to_owned(), "clinician".to_owned()];
        let policy = SessionPolicy::parse(&roles, 900, 43_200).unwrap();
        assert_eq!(policy.mfa_required_roles, vec![Role::Clinician]);
        assert!(SessionPolicy::parse(&[], 0, 43_200).is_err(), "idle 0 would disable logoff");
        assert!(SessionPolicy::parse(&[], 3_600, 1_800).is_err(), "absolute below idle");
        assert!(SessionPolicy::parse(&["platform_operator".to_owned()], 900, 43_200).is_err());
    }

    #[test]
    fn offboarding_needs_the_slug_typed_back() {
        assert!(check_offboard_confirmation("lakeside", "lakeside").is_ok());
        assert!(check_offboard_confirmation("lakeside", "yes").is_err());
    }
}
