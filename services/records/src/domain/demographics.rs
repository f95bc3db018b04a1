//! Checking demographics at the edge: bounded lengths, no control characters, a date of
//! birth that is not in the future, an email that looks like one. Values are trimmed and
//! empty optional fields become `None`, so what is stored is what was meant.
//!
//! Deliberately lenient on formats (phone numbers and addresses vary by country): the goal
//! is bounded, clean input, not a postal validator.

use chrono::NaiveDate;
use tp_records_api::chart::{Demographics, EmergencyContact};

use crate::domain::name::{MAX_NAME_CHARS, SearchName};
use crate::error::Error;

const MAX_PHONE_CHARS: usize = 32;
const MAX_EMAIL_CHARS: usize = 254;
const MAX_ADDRESS_CHARS: usize = 500;
const MAX_RELATIONSHIP_CHARS: usize = 100;

/// Demographics that passed [`validate`], with the blind-index form of the legal name.
pub struct ValidDemographics {
    pub demographics: Demographics,
    pub search_name: SearchName,
}

/// Validates `input` as of `today` (the practice's clock, UTC).
pub fn validate(input: Demographics, today: NaiveDate) -> Result<ValidDemographics, Error> {
    let legal_name = required("legal_name", &input.legal_name, MAX_NAME_CHARS)?;
    let search_name = SearchName::parse("legal_name", &legal_name)?;
    if let Some(born) = input.date_of_birth {
        let earliest = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN);
        if born > today || born < earliest {
            return Err(Error::invalid("date_of_birth", "must be between 1900-01-01 and today"));
        }
    }
    let email = optional("email", input.email.as_deref(), MAX_EMAIL_CHARS)?;
    if let Some(email) = &email
        && !plausible_email(email)
    {
        return Err(Error::invalid("email", "not an email address"));
    }
    let emergency_contact = match input.emergency_contact {
        Some(contact) => Some(EmergencyContact {
            name: required("emergency_contact.name", &contact.name, MAX_NAME_CHARS)?,
            phone: phone("emergency_contact.phone", Some(&contact.phone))?
                .ok_or(Error::invalid("emergency_contact.phone", "required"))?,
            relationship: optional(
                "emergency_contact.relationship",
                contact.relationship.as_deref(),
                MAX_RELATIONSHIP_CHARS,
            )?,
        }),
        None => None,
    };
    let demographics = Demographics {
        legal_name,
        preferred_name: optional("preferred_name", input.preferred_name.as_deref(), MAX_NAME_CHARS)?,
        date_of_birth: input.date_of_birth,
        phone: phone("phone", input.phone.as_deref())?,
        email,
        address: multiline("address", input.address.as_deref(), MAX_ADDRESS_CHARS)?,
        emergency_contact,
    };
    Ok(ValidDemographics { demographics, search_name })
}

fn required(field: &'static str, value: &str, max: usize) -> Result<String, Error> {
    optional(field, Some(value), max)?.ok_or(Error::invalid(field, "required"))
}

fn optional(field: &'static str, value: Option<&str>, max: usize) -> Result<Option<String>, Error> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if value.chars().count() > max {
        return Err(Error::invalid(field, "too long"));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::invalid(field, "contains control characters"));
    }
    Ok(Some(value.to_owned()))
}

/// An address may span lines; other control characters are refused.
fn multiline(field: &'static str, value: Option<&str>, max: usize) -> Result<Option<String>, Error> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if value.chars().count() > max {
        return Err(Error::invalid(field, "too long"));
    }
    if value.chars().any(|c| c.is_control() && c != '\n') {
        return Err(Error::invalid(field, "contains control characters"));
    }
    Ok(Some(value.to_owned()))
}

/// Digits with the usual separators and an optional leading `+`; at least 3 digits.
fn phone(field: &'static str, value: Option<&str>) -> Result<Option<String>, Error> {
    let Some(value) = optional(field, value, MAX_PHONE_CHARS)? else {
        return Ok(None);
    };
    let body = value.strip_prefix('+').unwrap_or(&value);
    let allowed = body.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')'));
    if !allowed || body.chars().filter(char::is_ascii_digit).count() < 3 {
        return Err(Error::invalid(field, "not a phone number"));
    }
    Ok(Some(value))
}

fn plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && !local.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
    }

    fn base() -> Demographics {
        Demographics {
            legal_name: "  Ada Lovelace ".into(),
            preferred_name: Some("  ".into()),
            date_of_birth: NaiveDate::from_ymd_opt(1990, 12, 10),
            phone: Some("+1 (555) 010-0199".into()),
            email: Some("ada@example.test".into()),
            address: Some("1 Main St\nSpringfield".into()),
            emergency_contact: Some(EmergencyContact {
                name: "Byron".into(),
                phone: "555 0100".into(),
                relationship: None,
            }),
        }
    }

    #[test]
    fn valid_demographics_are_trimmed_and_blank_optionals_dropped() {
        let valid = validate(base(), today()).unwrap().demographics;
        assert_eq!(valid.legal_name, "Ada Lovelace");
        assert_eq!(valid.preferred_name, None);
        assert_eq!(valid.address.as_deref(), Some("1 Main St\nSpringfield"));
    }

    #[test]
    fn each_bad_field_is_refused_naming_the_field() {
        type Edit = fn(&mut Demographics);
        let cases: [(&str, Edit); 9] = [
            ("legal_name", |d| d.legal_name = " ".into()),
            ("legal_name", |d| d.legal_name = "x".repeat(201)),
            ("legal_name", |d| d.legal_name = "Ada\u{0}".into()),
            ("date_of_birth", |d| d.date_of_birth = NaiveDate::from_ymd_opt(2026, 6, 2)),
            ("date_of_birth", |d| d.date_of_birth = NaiveDate::from_ymd_opt(1899, 12, 31)),
            ("email", |d| d.email = Some("not-an-email".into())),
            ("email", |d| d.email = Some("a b@example.test".into())),
            ("phone", |d| d.phone = Some("call me".into())),
            ("emergency_contact.phone", |d| {
                d.emergency_contact =
                    Some(EmergencyContact { name: "B".into(), phone: " ".into(), relationship: None });
            }),
        ];
        for (field, edit) in cases {
            let mut input = base();
            edit(&mut input);
            match validate(input, today()) {
                Err(Error::Invalid { field: got, .. }) => assert_eq!(got, field),
                Err(other) => panic!("{field}: unexpected {other:?}"),
                Ok(_) => panic!("{field}: accepted"),
            }
        }
    }
}
