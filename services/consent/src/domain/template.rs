//! A template's text as the rules admit it ([`TemplateText`]), its identity on the wire
//! ([`TemplateRef`]), and the SHA-256 that a signature quotes ([`sha256_hex`]).
//!
//! The body is kept byte for byte as written (no trimming, no normalisation): the client
//! signs exactly that text, and its hash must be reproducible by anyone holding it.

use sha2::{Digest, Sha256};
use tp_consent_api::templates::{DocumentKind, TemplateInput};
use uuid::Uuid;

use super::Refusal;
use crate::builtin::{self, Builtin};

pub const TITLE_MAX_CHARS: usize = 200;
pub const BODY_MAX_CHARS: usize = 100_000;

/// A template's title (trimmed) and body (as written), both checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateText {
    pub kind: DocumentKind,
    pub title: String,
    pub body: String,
}

impl TemplateText {
    /// Title 1–200 characters after trimming, without control characters; body 1–100,000
    /// characters, not only whitespace, without control characters other than line breaks
    /// and tabs (PostgreSQL refuses NUL, and invisible characters have no place in a text
    /// someone signs).
    pub fn parse(input: &TemplateInput) -> Result<Self, Refusal> {
        let title = input.title.trim();
        let title_chars = title.chars().count();
        if !(1..=TITLE_MAX_CHARS).contains(&title_chars) {
            return Err(Refusal::new("title", "must be 1 to 200 characters"));
        }
        if title.chars().any(char::is_control) {
            return Err(Refusal::new("title", "must not contain control characters"));
        }
        let body = &input.body;
        if body.trim().is_empty() || body.chars().count() > BODY_MAX_CHARS {
            return Err(Refusal::new("body", "must be 1 to 100000 characters, not only whitespace"));
        }
        if body.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
            return Err(Refusal::new("body", "must not contain control characters other than line breaks and tabs"));
        }
        Ok(Self { kind: input.kind, title: title.to_owned(), body: body.clone() })
    }
}

/// Lowercase hex SHA-256 of `text`'s UTF-8 bytes: what a signature quotes.
pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// A `{template}` of a path or a requirement: a built-in's key or a practice template's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateRef {
    Builtin(&'static Builtin),
    Practice(Uuid),
}

impl TemplateRef {
    /// `None` for anything that is neither a built-in key nor a UUID (answered as unknown).
    pub fn parse(key: &str) -> Option<Self> {
        match builtin::find(key) {
            Some(builtin) => Some(Self::Builtin(builtin)),
            None => Uuid::parse_str(key).ok().map(Self::Practice),
        }
    }

    /// The key in its one canonical spelling (a UUID lowercase and hyphenated), so that two
    /// spellings of one template are one requirement.
    pub fn key(self) -> String {
        match self {
            Self::Builtin(builtin) => builtin.key.to_owned(),
            Self::Practice(id) => id.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(title: &str, body: &str) -> TemplateInput {
        TemplateInput { kind: DocumentKind::Other, title: title.to_owned(), body: body.to_owned() }
    }

    #[test]
    fn titles_are_trimmed_and_bounded_and_bodies_kept_as_written() {
        let text = TemplateText::parse(&input("  Group rules \n", "  Be kind.\r\n\tAlways.\n")).unwrap();
        assert_eq!(text.title, "Group rules");
        assert_eq!(text.body, "  Be kind.\r\n\tAlways.\n");
        assert!(TemplateText::parse(&input(&"é".repeat(200), "b")).is_ok(), "200 characters, not bytes");
        assert!(TemplateText::parse(&input("t", &"é".repeat(100_000))).is_ok());
    }

    #[test]
    fn empty_long_or_control_laden_texts_are_refused_naming_the_field() {
        let cases = [
            (input("   ", "body"), "title"),
            (input(&"t".repeat(201), "body"), "title"),
            (input("a\u{7}b", "body"), "title"),
            (input("t", ""), "body"),
            (input("t", " \n\t "), "body"),
            (input("t", &"b".repeat(100_001)), "body"),
            (input("t", "a\0b"), "body"),
            (input("t", "a\u{1b}[31mred"), "body"),
        ];
        for (case, field) in cases {
            assert_eq!(TemplateText::parse(&case).map_err(|r| r.field), Err(field), "{case:?}");
        }
    }

    #[test]
    fn the_hash_is_lowercase_hex_sha256_of_the_bytes() {
        assert_eq!(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_ne!(sha256_hex("abc\n"), sha256_hex("abc"), "one byte more is another text");
    }

    #[test]
    fn keys_are_builtins_or_uuids_in_one_spelling() {
        assert!(matches!(TemplateRef::parse("telehealth"), Some(TemplateRef::Builtin(b)) if b.key == "telehealth"));
        let id = Uuid::now_v7();
        let upper = id.to_string().to_uppercase();
        assert_eq!(TemplateRef::parse(&upper).map(TemplateRef::key), Some(id.to_string()));
        assert_eq!(TemplateRef::parse(&id.simple().to_string()).map(TemplateRef::key), Some(id.to_string()));
        assert_eq!(TemplateRef::parse("Telehealth"), None);
        assert_eq!(TemplateRef::parse("../etc"), None);
    }
}
