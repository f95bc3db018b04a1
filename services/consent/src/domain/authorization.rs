//! What an authorization, a restriction and a recorded disclosure may say: the recipient
//! ([`recipient`]), the categories a signed document of a given kind can grant
//! ([`categories_for`]), the purpose, the expiry, and the free texts of restrictions and
//! their review. Pure checks: whether the signature exists and is the client's is asked of
//! the database by the caller.

use chrono::{DateTime, Duration, Utc};
use tp_consent_api::disclosure::{Category, Recipient};
use tp_consent_api::templates::DocumentKind;

use super::Refusal;

/// An expiry at most this far ahead: a release is for a purpose, not for ever.
pub const MAX_EXPIRY_YEARS: i64 = 10;

/// Trimmed free text of 1 to `max` characters without control characters other than line
/// breaks and tabs (when `multiline`).
pub fn text(field: &'static str, input: &str, max: usize, reason: &'static str) -> Result<String, Refusal> {
    let kept = input.trim();
    if !(1..=max).contains(&kept.chars().count()) {
        return Err(Refusal::new(field, reason));
    }
    if kept.chars().any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r') {
        return Err(Refusal::new(field, "must not contain control characters"));
    }
    Ok(kept.to_owned())
}

/// The recipient as stored: an outside person's name, organisation and email trimmed and
/// checked; a practice or clinician as given (another practice is a valid recipient).
pub fn recipient(input: Recipient) -> Result<Recipient, Refusal> {
    match input {
        Recipient::Outside { name, organisation, email } => {
            let name = text("recipient.name", &name, 200, "must be 1 to 200 characters")?;
            let organisation = match organisation.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(org) => Some(text("recipient.organisation", org, 200, "must be at most 200 characters")?),
            };
            Ok(Recipient::Outside { name, organisation, email: email_address("recipient.email", &email)? })
        }
        other => Ok(other),
    }
}

/// An email address's shape: one `@`, a local part, a dotted domain, no spaces, at most
/// 254 characters. Whether it delivers is not ours to know.
pub fn email_address(field: &'static str, input: &str) -> Result<String, Refusal> {
    let refused = Refusal::new(field, "must be an email address");
    let email = input.trim();
    let (local, domain) = email.split_once('@').ok_or(refused)?;
    let shaped = email.len() <= 254
        && !local.is_empty()
        && !domain.contains('@')
        && domain.split('.').count() >= 2
        && domain.split('.').all(|label| !label.is_empty())
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if shaped { Ok(email.to_owned()) } else { Err(refused) }
}

/// Distinct categories, sorted (the wire's order of [`Category`]).
pub fn distinct(categories: &[Category]) -> Vec<Category> {
    let mut sorted = categories.to_vec();
    sorted.sort();
    sorted.dedup();
    sorted
}

/// The categories a signed document of `kind` may authorize: a release of information
/// anything but psychotherapy notes and SUD records; a psychotherapy-notes authorization
/// exactly those notes; a Part 2 consent exactly SUD records (HIPAA 164.508(a)(2) and
/// 42 CFR 2.31 want each in a document of its own). Any other kind authorizes nothing.
pub fn categories_for(kind: DocumentKind, requested: &[Category]) -> Result<Vec<Category>, Refusal> {
    let categories = distinct(requested);
    if categories.is_empty() {
        return Err(Refusal::new("categories", "at least one category"));
    }
    let special = |c: &Category| matches!(c, Category::PsychotherapyNotes | Category::SudRecords);
    match kind {
        DocumentKind::ReleaseOfInformation if !categories.iter().any(special) => Ok(categories),
        DocumentKind::ReleaseOfInformation => Err(Refusal::new(
            "categories",
            "psychotherapy notes and SUD records need their own authorization, not a release of information",
        )),
        DocumentKind::PsychotherapyNotesAuthorization if categories == [Category::PsychotherapyNotes] => Ok(categories),
        DocumentKind::PsychotherapyNotesAuthorization => {
            Err(Refusal::new("categories", "a psychotherapy-notes authorization covers psychotherapy notes alone"))
        }
        DocumentKind::Part2Sud if categories == [Category::SudRecords] => Ok(categories),
        DocumentKind::Part2Sud => Err(Refusal::new("categories", "a Part 2 consent covers SUD records alone")),
        _ => Err(Refusal::new(
            "signature_id",
            "must be a release of information, psychotherapy-notes authorization or Part 2 consent",
        )),
    }
}

/// An expiry date, if any, in the future and at most [`MAX_EXPIRY_YEARS`] ahead; a date
/// or an event (or both) is required.
pub fn expiry(expires_at: Option<DateTime<Utc>>, has_event: bool, now: DateTime<Utc>) -> Result<(), Refusal> {
    match expires_at {
        None if !has_event => Err(Refusal::new("expires_at", "an expiry date or event is required")),
        None => Ok(()),
        Some(at) if at <= now => Err(Refusal::new("expires_at", "must be in the future")),
        Some(at) if at > now + Duration::days(365 * MAX_EXPIRY_YEARS + 3) => {
            Err(Refusal::new("expires_at", "must be at most 10 years ahead"))
        }
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Category::*;

    #[test]
    fn each_kind_grants_only_its_own_categories() {
        let roi = DocumentKind::ReleaseOfInformation;
        assert_eq!(categories_for(roi, &[Diagnoses, Demographics, Diagnoses]), Ok(vec![Demographics, Diagnoses]));
        assert!(categories_for(roi, &[Demographics, PsychotherapyNotes]).is_err());
        assert!(categories_for(roi, &[SudRecords]).is_err());
        assert!(categories_for(roi, &[]).is_err());
        let notes = DocumentKind::PsychotherapyNotesAuthorization;
        assert_eq!(categories_for(notes, &[PsychotherapyNotes]), Ok(vec![PsychotherapyNotes]));
        assert!(categories_for(notes, &[PsychotherapyNotes, Demographics]).is_err());
        assert_eq!(categories_for(DocumentKind::Part2Sud, &[SudRecords]), Ok(vec![SudRecords]));
        assert!(categories_for(DocumentKind::Part2Sud, &[SudRecords, PsychotherapyNotes]).is_err());
        for kind in [DocumentKind::Treatment, DocumentKind::Recording, DocumentKind::Other] {
            assert_eq!(categories_for(kind, &[Demographics]).unwrap_err().field, "signature_id", "{kind:?}");
        }
    }

    #[test]
    fn outside_recipients_need_a_name_and_an_email_address() {
        let outside = |name: &str, email: &str| Recipient::Outside {
            name: name.to_owned(),
            organisation: Some("  ".to_owned()),
            email: email.to_owned(),
        };
        let ok = recipient(outside(" Dr Ada ", " ada@clinic.example ")).unwrap();
        assert_eq!(
            ok,
            Recipient::Outside { name: "Dr Ada".into(), organisation: None, email: "ada@clinic.example".into() }
        );
        for email in ["", "ada", "ada@", "@clinic.example", "ada@clinic", "a da@clinic.example", "a@b@c.example"] {
            assert_eq!(recipient(outside("Ada", email)).unwrap_err().field, "recipient.email", "{email:?}");
        }
        assert_eq!(recipient(outside(" ", "ada@clinic.example")).unwrap_err().field, "recipient.name");
        assert_eq!(recipient(outside(&"n".repeat(201), "ada@clinic.example")).unwrap_err().field, "recipient.name");
    }

    #[test]
    fn an_expiry_is_required_in_the_future_and_within_ten_years() {
        let now = Utc::now();
        assert!(expiry(None, false, now).is_err());
        assert!(expiry(None, true, now).is_ok());
        assert!(expiry(Some(now - Duration::seconds(1)), true, now).is_err());
        assert!(expiry(Some(now + Duration::days(30)), false, now).is_ok());
        assert!(expiry(Some(now + Duration::days(365 * 11)), false, now).is_err());
    }
}
