//! Progress-note rules without I/O: the sections each template has, validating a note's
//! input, and the content hash a signature fixes.
//!
//! The hash is SHA-256 over a canonical JSON document: `{"author","client","sections",
//! "template"}` with keys in that (sorted) order and sections sorted by name (a `BTreeMap`),
//! every section of the template present (empty when not written). Anyone holding the
//! decrypted note can recompute it.

use std::collections::BTreeMap;

use serde::Serialize;
use tp_ids::UserId;
use tp_records_api::notes::Template;

use crate::error::Error;

/// Longest section accepted, in characters: a long note, not a document upload.
pub const MAX_SECTION_CHARS: usize = 20_000;

pub fn sections(template: Template) -> &'static [&'static str] {
    match template {
        Template::Soap => &["subjective", "objective", "assessment", "plan"],
        Template::Dap => &["data", "assessment", "plan"],
        Template::Birp => &["behavior", "intervention", "response", "plan"],
    }
}

/// The database code of a template.
pub const fn code(template: Template) -> &'static str {
    match template {
        Template::Soap => "soap",
        Template::Dap => "dap",
        Template::Birp => "birp",
    }
}

pub fn parse_code(code: &str) -> Option<Template> {
    match code {
        "soap" => Some(Template::Soap),
        "dap" => Some(Template::Dap),
        "birp" => Some(Template::Birp),
        _ => None,
    }
}

/// The template's sections filled from `input` (missing ones empty); refuses a section the
/// template does not have and an over-long one.
pub fn validate(template: Template, input: BTreeMap<String, String>) -> Result<BTreeMap<String, String>, Error> {
    let names = sections(template);
    if input.keys().any(|key| !names.contains(&key.as_str())) {
        return Err(Error::invalid("sections", "a section the template does not have"));
    }
    if input.values().any(|text| text.chars().count() > MAX_SECTION_CHARS) {
        return Err(Error::invalid("sections", "a section is too long"));
    }
    let mut full: BTreeMap<String, String> = names.iter().map(|name| ((*name).to_owned(), String::new())).collect();
    full.extend(input);
    Ok(full)
}

#[derive(Serialize)]
struct Canonical<'a> {
    author: UserId,
    client: UserId,
    sections: &'a BTreeMap<String, String>,
    template: &'static str,
}

/// The canonical content a signature fixes (see the module header): the export ships it,
/// so anyone can recompute the hash.
pub fn canonical(
    template: Template,
    client: UserId,
    author: UserId,
    sections: &BTreeMap<String, String>,
) -> Result<Vec<u8>, Error> {
    let canonical = Canonical { author, client, sections, template: code(template) };
    serde_json::to_vec(&canonical).map_err(|e| Error::Internal(e.into()))
}

/// SHA-256 of the canonical content (see the module header).
pub fn content_hash(
    template: Template,
    client: UserId,
    author: UserId,
    sections: &BTreeMap<String, String>,
) -> Result<Vec<u8>, Error> {
    let bytes = canonical(template, client, author, sections)?;
    Ok(ring::digest::digest(&ring::digest::SHA256, &bytes).as_ref().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_sections_are_empty_and_unknown_ones_refused() {
        let input = BTreeMap::from([("plan".to_owned(), "p".to_owned())]);
        let full = validate(Template::Dap, input).unwrap();
        assert_eq!(full.keys().collect::<Vec<_>>(), ["assessment", "data", "plan"]);
        let bad = BTreeMap::from([("subjective".to_owned(), "s".to_owned())]);
        assert!(validate(Template::Dap, bad).is_err());
    }

    #[test]
    fn the_hash_depends_on_every_part() {
        let (c, a) = (UserId::generate(), UserId::generate());
        let s = validate(Template::Soap, BTreeMap::new()).unwrap();
        let h = content_hash(Template::Soap, c, a, &s).unwrap();
        assert_eq!(h.len(), 32);
        assert_ne!(h, content_hash(Template::Soap, a, c, &s).unwrap());
        let mut t = s.clone();
        t.insert("plan".to_owned(), "x".to_owned());
        assert_ne!(h, content_hash(Template::Soap, c, a, &t).unwrap());
    }
}
