//! [`SearchName`]: a full legal name reduced to what the blind index compares: compatibility
//! decomposition (NFKD) with combining marks dropped, lowercase, whitespace trimmed and
//! collapsed. "  JOSÉ   da Silva " and "jose da silva" are the same name; "Jose Silva" is
//! not (exact match only: no prefixes, no fuzziness, which a blind index cannot give
//! without leaking more).

use unicode_normalization::UnicodeNormalization as _;
use unicode_normalization::char::is_combining_mark;

use crate::error::Error;

/// Longest name accepted, in characters (the legal name's own bound).
pub const MAX_NAME_CHARS: usize = 200;

/// A normalised, non-empty name. Never logged: it is PHI.
#[derive(PartialEq, Eq)]
pub struct SearchName(String);

impl SearchName {
    /// `field` names the input in the error (`legal_name`, `name`).
    pub fn parse(field: &'static str, input: &str) -> Result<Self, Error> {
        if input.chars().count() > MAX_NAME_CHARS {
            return Err(Error::invalid(field, "at most 200 characters"));
        }
        let folded: String = input.nfkd().filter(|c| !is_combining_mark(*c)).flat_map(char::to_lowercase).collect();
        let normalised = folded.split_whitespace().collect::<Vec<_>>().join(" ");
        if normalised.is_empty() {
            return Err(Error::invalid(field, "required"));
        }
        Ok(Self(normalised))
    }

    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl std::fmt::Debug for SearchName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SearchName([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(input: &str) -> String {
        String::from_utf8(SearchName::parse("name", input).unwrap().as_bytes().to_vec()).unwrap()
    }

    #[test]
    fn case_accents_and_spacing_do_not_matter() {
        assert_eq!(norm("  JOSÉ   da\tSilva "), "jose da silva");
        assert_eq!(norm("Zoë Ångström"), norm("zoe angstrom"));
        // Compatibility forms fold too (a full-width letter, a ligature).
        assert_eq!(norm("Ｊｏｅ ﬁnn"), "joe finn");
    }

    #[test]
    fn different_names_stay_different() {
        assert_ne!(norm("Jose Silva"), norm("Jose da Silva"));
        assert_ne!(norm("Ann"), norm("Anne"));
    }

    #[test]
    fn empty_and_overlong_names_are_refused() {
        assert!(SearchName::parse("name", "   ").is_err());
        assert!(SearchName::parse("name", &"a".repeat(201)).is_err());
        assert!(SearchName::parse("name", &"a".repeat(200)).is_ok());
    }

    #[test]
    fn debug_does_not_print_the_name() {
        let name = SearchName::parse("name", "Secret Person").unwrap();
        assert!(!format!("{name:?}").contains("secret"));
    }
}
