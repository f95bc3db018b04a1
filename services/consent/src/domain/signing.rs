//! What a signature must be: a typed name ([`TypedName`]), and a quote of the template's
//! current version and text hash ([`check_current`]). A client signs the text they were
//! shown; if the template moved on since, they must read it again.

use super::Refusal;

pub const TYPED_NAME_MAX_CHARS: usize = 200;

/// The name a client typed to sign: trimmed, 1–200 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedName(String);

impl TypedName {
    pub fn parse(input: &str) -> Result<Self, Refusal> {
        let name = input.trim();
        if !(1..=TYPED_NAME_MAX_CHARS).contains(&name.chars().count()) {
            return Err(Refusal::new("typed_name", "must be 1 to 200 characters"));
        }
        if name.chars().any(char::is_control) {
            return Err(Refusal::new("typed_name", "must not contain control characters"));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The signature quotes a version or text other than the template's current one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stale;

/// Whether the quoted version and hash are the template's current ones. The hash is compared
/// ignoring case (hex is hex); its format is not otherwise checked, since any other value
/// simply is not the current text.
pub fn check_current(
    (quoted_version, quoted_hash): (u32, &str),
    (current_version, current_hash): (u32, &str),
) -> Result<(), Stale> {
    if quoted_version == current_version && quoted_hash.eq_ignore_ascii_case(current_hash) {
        Ok(())
    } else {
        Err(Stale)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_names_are_trimmed_bounded_and_printable() {
        assert_eq!(TypedName::parse("  Ada Lovelace ").unwrap().as_str(), "Ada Lovelace");
        assert!(TypedName::parse(&"ß".repeat(200)).is_ok());
        for bad in ["", "   ", "Ada\u{0}", "Ada\nLovelace", "\u{1b}[2J"] {
            assert_eq!(TypedName::parse(bad).map_err(|r| r.field), Err("typed_name"), "{bad:?}");
        }
        assert!(TypedName::parse(&"ß".repeat(201)).is_err());
    }

    #[test]
    fn only_the_current_version_and_text_may_be_signed() {
        let hash = "ab".repeat(32);
        assert_eq!(check_current((2, &hash), (2, &hash)), Ok(()));
        assert_eq!(check_current((2, &hash.to_uppercase()), (2, &hash)), Ok(()));
        assert_eq!(check_current((1, &hash), (2, &hash)), Err(Stale), "an older version");
        assert_eq!(check_current((2, &"cd".repeat(32)), (2, &hash)), Err(Stale), "another text");
        assert_eq!(check_current((2, ""), (2, &hash)), Err(Stale));
    }
}
