//! OAuth scopes identity knows: the OpenID Connect ones people's tokens carry and the
//! allow-list of API scopes a practice may grant its developer clients.
//!
//! A scope outside both lists is refused at the edge (`invalid_scope`), so a token never
//! carries a scope no service defined. What a scope allows is decided by the services that
//! check it, not here.

use std::collections::BTreeSet;
use std::fmt;

pub const OPENID: &str = "openid";
pub const PROFILE: &str = "profile";
pub const EMAIL: &str = "email";
pub const OFFLINE_ACCESS: &str = "offline_access";

/// Scopes of the OpenID Connect layer (people signing in through an app).
pub const OIDC_SCOPES: [&str; 4] = [OPENID, PROFILE, EMAIL, OFFLINE_ACCESS];

/// Scopes a practice admin may give an API client, one read/write pair per service.
pub const API_SCOPES: [&str; 11] = [
    "identity:read",
    "identity:write",
    "scheduling:read",
    "scheduling:write",
    "records:read",
    "records:write",
    "messaging:read",
    "messaging:write",
    "consent:read",
    "consent:write",
    "audit:read",
];

/// Scopes of the platform-operator client: tenant administration lives in identity, and
/// operators never read PHI, so nothing of records or messaging.
pub const OPERATOR_SCOPES: [&str; 2] = ["identity:read", "identity:write"];

/// A scope string with an unknown, empty or duplicated entry. Never echoes the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("unknown or malformed scope")]
pub struct InvalidScope;

/// A set of known scopes; displayed space-separated in a stable (sorted) order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScopeSet(BTreeSet<&'static str>);

impl ScopeSet {
    /// Parses a space-separated `scope` parameter (RFC 6749 section 3.3).
    pub fn parse(input: &str) -> Result<Self, InvalidScope> {
        Self::from_names(input.split(' '))
    }

    /// Builds a set from names, each of which must be known; used for stored scopes too,
    /// so a scope dropped from the allow-list stops being issued.
    pub fn from_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Self, InvalidScope> {
        let mut set = BTreeSet::new();
        for name in names {
            let known =
                OIDC_SCOPES.iter().chain(API_SCOPES.iter()).find(|known| **known == name).ok_or(InvalidScope)?;
            if !set.insert(*known) {
                return Err(InvalidScope);
            }
        }
        Ok(Self(set))
    }

    /// Like [`ScopeSet::from_names`] but only API scopes: what an API client may hold.
    pub fn parse_api<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Self, InvalidScope> {
        let set = Self::from_names(names)?;
        if set.0.iter().all(|name| API_SCOPES.contains(name)) { Ok(set) } else { Err(InvalidScope) }
    }

    pub fn contains(&self, scope: &str) -> bool {
        self.0.contains(scope)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether every scope here is also in `granted` (narrowing is allowed, widening not).
    pub fn is_subset(&self, granted: &ScopeSet) -> bool {
        self.0.is_subset(&granted.0)
    }

    pub fn iter(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.iter().copied()
    }

    /// As stored in `text[]` columns.
    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_owned).collect()
    }
}

impl fmt::Display for ScopeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iter().collect::<Vec<_>>().join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_scopes_parse_and_display_sorted() {
        let set = ScopeSet::parse("records:read openid").unwrap();
        assert_eq!(set.to_string(), "openid records:read");
    }

    #[test]
    fn unknown_empty_or_duplicate_scopes_are_refused() {
        for bad in ["admin", "openid  email", "openid openid", "", "openid\temail"] {
            assert_eq!(ScopeSet::parse(bad), Err(InvalidScope), "{bad:?}");
        }
    }

    #[test]
    fn api_clients_may_not_hold_oidc_scopes() {
        assert!(ScopeSet::parse_api(["records:read"]).is_ok());
        assert_eq!(ScopeSet::parse_api(["openid"]), Err(InvalidScope));
    }

    #[test]
    fn subsets_narrow_and_never_widen() {
        let granted = ScopeSet::parse("records:read records:write").unwrap();
        assert!(ScopeSet::parse("records:read").unwrap().is_subset(&granted));
        assert!(!ScopeSet::parse("records:read audit:read").unwrap().is_subset(&granted));
    }
}
