//! The built-in consent templates every practice has, shipped in code: one per key of
//! [`tp_consent_api::templates::BUILTIN_KEYS`], each a kind, a title, a version and its
//! Markdown text (the files beside this one, compiled in).
//!
//! A built-in's text at a version never changes: a client's signature quotes its SHA-256. To
//! change a text, bump its version here (the old version stays in every signature made
//! with it). Not here: practice templates (stored, `crate::db::templates`).

use tp_consent_api::templates::DocumentKind;

/// One built-in template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Builtin {
    pub key: &'static str,
    pub kind: DocumentKind,
    pub title: &'static str,
    pub version: u32,
    /// Markdown, signed exactly as written.
    pub body: &'static str,
}

/// The built-ins, in the order of `BUILTIN_KEYS` (the order a practice's list shows them).
pub const BUILTINS: [Builtin; 7] = [
    Builtin {
        key: "informed-consent",
        kind: DocumentKind::Treatment,
        title: "Informed consent to treatment",
        version: 1,
        body: include_str!("builtin/informed-consent.md"),
    },
    Builtin {
        key: "telehealth",
        kind: DocumentKind::Telehealth,
        title: "Consent to telehealth",
        version: 1,
        body: include_str!("builtin/telehealth.md"),
    },
    Builtin {
        key: "electronic-communication",
        kind: DocumentKind::ElectronicCommunication,
        title: "Electronic communication policy",
        version: 1,
        body: include_str!("builtin/electronic-communication.md"),
    },
    Builtin {
        key: "recording",
        kind: DocumentKind::Recording,
        title: "Consent to session recording",
        version: 1,
        body: include_str!("builtin/recording.md"),
    },
    Builtin {
        key: "release-of-information",
        kind: DocumentKind::ReleaseOfInformation,
        title: "Authorization to release information",
        version: 1,
        body: include_str!("builtin/release-of-information.md"),
    },
    Builtin {
        key: "psychotherapy-notes",
        kind: DocumentKind::PsychotherapyNotesAuthorization,
        title: "Authorization to disclose psychotherapy notes",
        version: 1,
        body: include_str!("builtin/psychotherapy-notes.md"),
    },
    Builtin {
        key: "part2-sud",
        kind: DocumentKind::Part2Sud,
        title: "Consent to disclose substance use disorder records (42 CFR Part 2)",
        version: 1,
        body: include_str!("builtin/part2-sud.md"),
    },
];

/// The built-in with this key, if it is one.
pub fn find(key: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|builtin| builtin.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::template::TemplateText;
    use tp_consent_api::templates::{BUILTIN_KEYS, TemplateInput};

    #[test]
    fn the_part2_consent_quotes_the_notice_every_sud_disclosure_carries_word_for_word() {
        let part2 = BUILTINS.iter().find(|b| b.kind == DocumentKind::Part2Sud).unwrap();
        let (_, notice) = part2.body.split_once("## Notice to accompany each disclosure").unwrap();
        let quoted: Vec<&str> =
            notice.lines().skip(1).map_while(|l| l.strip_prefix("> ").or(l.is_empty().then_some(""))).collect();
        let words = |text: &str| text.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(words(&quoted.join(" ")), words(tp_consent_api::disclosure::PART2_REDISCLOSURE_NOTICE));
    }

    #[test]
    fn the_builtins_are_the_contracts_keys_in_its_order_each_of_its_own_kind() {
        let keys: Vec<&str> = BUILTINS.iter().map(|b| b.key).collect();
        assert_eq!(keys, BUILTIN_KEYS);
        let mut kinds: Vec<DocumentKind> = BUILTINS.iter().map(|b| b.kind).collect();
        kinds.dedup();
        assert_eq!(kinds.len(), BUILTINS.len(), "one built-in per kind");
        assert!(!kinds.contains(&DocumentKind::Other));
    }

    #[test]
    fn every_builtin_passes_the_rules_a_practice_template_must_and_asks_for_counsel() {
        for builtin in BUILTINS {
            let input =
                TemplateInput { kind: builtin.kind, title: builtin.title.to_owned(), body: builtin.body.to_owned() };
            let text = TemplateText::parse(&input).unwrap_or_else(|r| panic!("{}: {r:?}", builtin.key));
            assert_eq!(text.title, builtin.title, "{}: the title is stored as written", builtin.key);
            assert_eq!(builtin.version, 1, "{}", builtin.key);
            let head: String = builtin.body.lines().take(3).collect::<Vec<_>>().join(" ");
            assert!(head.contains("legal counsel"), "{}: the counsel note opens the text", builtin.key);
            assert!(builtin.body.lines().any(|l| l.starts_with("# ")), "{}: a heading", builtin.key);
            assert!(builtin.body.contains("By typing my name below"), "{}: says what signing means", builtin.key);
        }
    }

    #[test]
    fn the_texts_carry_what_their_kind_requires() {
        let body = |key: &str| find(key).map(|b| b.body).unwrap_or_default();
        for needle in ["Mandated reporting", "Duty to warn", "Court orders", "988"] {
            assert!(body("informed-consent").contains(needle), "informed consent: {needle}");
        }
        for needle in ["carry no clinical content", "Never in an emergency", "appointment"] {
            assert!(body("electronic-communication").contains(needle), "electronic communication: {needle}");
        }
        for needle in ["164.508(a)(2)", "cannot be combined", "You may refuse", "revoke"] {
            assert!(body("psychotherapy-notes").contains(needle), "psychotherapy notes: {needle}");
        }
        for needle in ["42 CFR Part 2", "expires", "revoke", "(42 CFR part 2). These rules prohibit", "2.31"] {
            assert!(body("part2-sud").contains(needle), "Part 2: {needle}");
        }
        assert!(body("recording").contains("withdraw"));
        assert!(body("release-of-information").contains("Redisclosure"));
        assert!(find("not-a-builtin").is_none());
    }
}
