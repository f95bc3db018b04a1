//! The readiness answer: may the client book a first appointment (every required template
//! signed at some version, that signature not withdrawn), which required documents are
//! missing, and did they consent to session recording (a signed, not withdrawn document of
//! kind `Recording`). Computed from what the client signed; nothing else is revealed.

use tp_consent_api::documents::{MissingDocument, Readiness};
use tp_consent_api::templates::{DocumentKind, TemplateKey};

/// A required template, with its current title (what the missing list shows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Required {
    pub key: TemplateKey,
    pub title: String,
}

/// One of the client's signatures, as far as readiness needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    pub key: TemplateKey,
    pub kind: DocumentKind,
    pub withdrawn: bool,
}

pub fn readiness(required: Vec<Required>, signed: &[Signed]) -> Readiness {
    let standing = |key: &str| signed.iter().any(|s| s.key == key && !s.withdrawn);
    let missing: Vec<MissingDocument> = required
        .into_iter()
        .filter(|r| !standing(&r.key))
        .map(|r| MissingDocument { template: r.key, title: r.title })
        .collect();
    Readiness {
        ready_to_book: missing.is_empty(),
        missing,
        recording_consented: signed.iter().any(|s| s.kind == DocumentKind::Recording && !s.withdrawn),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn required(key: &str) -> Required {
        Required { key: key.to_owned(), title: format!("Title of {key}") }
    }

    fn signed(key: &str, kind: DocumentKind, withdrawn: bool) -> Signed {
        Signed { key: key.to_owned(), kind, withdrawn }
    }

    #[test]
    fn nothing_required_means_ready() {
        let answer = readiness(vec![], &[]);
        assert!(answer.ready_to_book && answer.missing.is_empty() && !answer.recording_consented);
    }

    #[test]
    fn each_required_key_needs_a_standing_signature() {
        let answer = readiness(
            vec![required("informed-consent"), required("telehealth")],
            &[signed("informed-consent", DocumentKind::Treatment, false)],
        );
        assert!(!answer.ready_to_book);
        assert_eq!(
            answer.missing,
            [MissingDocument { template: "telehealth".to_owned(), title: "Title of telehealth".to_owned() }]
        );
    }

    #[test]
    fn a_withdrawn_signature_no_longer_counts_but_a_later_one_does() {
        let withdrawn = [signed("telehealth", DocumentKind::Telehealth, true)];
        assert!(!readiness(vec![required("telehealth")], &withdrawn).ready_to_book);
        let signed_again = [withdrawn[0].clone(), signed("telehealth", DocumentKind::Telehealth, false)];
        assert!(readiness(vec![required("telehealth")], &signed_again).ready_to_book);
    }

    #[test]
    fn recording_consent_is_any_standing_document_of_kind_recording() {
        let practice_recording = [signed("0190f0aa-0000-7000-8000-000000000000", DocumentKind::Recording, false)];
        assert!(readiness(vec![], &practice_recording).recording_consented);
        let withdrawn = [signed("recording", DocumentKind::Recording, true)];
        assert!(!readiness(vec![], &withdrawn).recording_consented);
        let other_kind = [signed("telehealth", DocumentKind::Telehealth, false)];
        assert!(!readiness(vec![], &other_kind).recording_consented);
    }
}
