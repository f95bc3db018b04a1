//! The rules that decide whether a practice's IdP vouches for an email identity may link
//! to: the email must be present, verified by the IdP (`email_verified: true`, nothing
//! less), and of a domain the practice allowed (exact, case-insensitive match of the part
//! after `@`: `sub.clinic.example` does not match `clinic.example`). Also the parser of
//! allowed domains. Pure: the membership check needs the database and lives in `callback`.

/// Why an IdP's answer cannot be linked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    EmailMissing,
    EmailNotVerified,
    DomainNotAllowed,
}

/// The normalised (trimmed, lower-case) email, if the IdP's claims allow linking it.
pub(crate) fn vouched_email(
    email: Option<&str>,
    email_verified: Option<bool>,
    allowed_domains: &[String],
) -> Result<String, Refusal> {
    let email = email.map(|e| e.trim().to_lowercase()).filter(|e| !e.is_empty()).ok_or(Refusal::EmailMissing)?;
    // A missing claim is not a verification: some IdPs omit it for unverified addresses.
    if email_verified != Some(true) {
        return Err(Refusal::EmailNotVerified);
    }
    let domain = email_domain(&email).ok_or(Refusal::DomainNotAllowed)?;
    if !allowed_domains.iter().any(|allowed| allowed.eq_ignore_ascii_case(domain)) {
        return Err(Refusal::DomainNotAllowed);
    }
    Ok(email)
}

/// The domain of `local@domain`; `None` unless there is exactly one `@` with text on both sides.
fn email_domain(email: &str) -> Option<&str> {
    let (local, domain) = email.split_once('@')?;
    (!local.is_empty() && !domain.is_empty() && !domain.contains('@')).then_some(domain)
}

/// A DNS domain as a practice admin types it, normalised to lower case without a trailing
/// dot. Wildcards and single labels are refused: the allow-list is exact on purpose.
pub(crate) fn parse_domain(raw: &str) -> Result<String, &'static str> {
    let domain = raw.trim().trim_end_matches('.').to_ascii_lowercase();
    if domain.is_empty() || domain.len() > 253 {
        return Err("a domain has 1 to 253 characters");
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return Err("a domain needs at least two labels, like clinic.example");
    }
    let label_ok = |l: &&str| {
        (1..=63).contains(&l.len())
            && l.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if !labels.iter().all(label_ok) {
        return Err("a domain has letters, digits and inner hyphens only (no wildcards)");
    }
    Ok(domain)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed() -> Vec<String> {
        vec!["clinic.example".to_owned()]
    }

    #[test]
    fn a_verified_email_of_an_allowed_domain_links_normalised() {
        let email = vouched_email(Some(" Alice@Clinic.EXAMPLE "), Some(true), &allowed());
        assert_eq!(email, Ok("alice@clinic.example".to_owned()));
    }

    #[test]
    fn an_unverified_or_unstated_verification_is_refused() {
        for verified in [Some(false), None] {
            let outcome = vouched_email(Some("alice@clinic.example"), verified, &allowed());
            assert_eq!(outcome, Err(Refusal::EmailNotVerified), "{verified:?}");
        }
    }

    #[test]
    fn domains_match_exactly_not_by_suffix_or_prefix() {
        for email in ["a@sub.clinic.example", "a@clinic.example.evil", "a@evilclinic.example", "a@b@clinic.example"] {
            assert_eq!(vouched_email(Some(email), Some(true), &allowed()), Err(Refusal::DomainNotAllowed), "{email}");
        }
    }

    #[test]
    fn a_missing_or_empty_email_is_refused() {
        assert_eq!(vouched_email(None, Some(true), &allowed()), Err(Refusal::EmailMissing));
        assert_eq!(vouched_email(Some("  "), Some(true), &allowed()), Err(Refusal::EmailMissing));
    }

    #[test]
    fn domains_are_normalised_and_wildcards_or_single_labels_refused() {
        assert_eq!(parse_domain(" Clinic.Example. "), Ok("clinic.example".to_owned()));
        for bad in ["*.clinic.example", "localhost", "", "-a.example", "a..example", "a_b.example"] {
            assert!(parse_domain(bad).is_err(), "{bad}");
        }
    }
}
