//! [`Email`]: an account's email address, parsed once at the edge.
//!
//! Normalised (trimmed, lower case) so that lookup, uniqueness and the `users.email` check
//! constraint agree. The syntax check is deliberately narrow: ASCII only, a dot-atom local
//! part and a host name with at least two labels. It does not implement RFC 5322 (quoted
//! local parts, comments, IP literals): nobody signs up to a clinic with those, and every
//! oddity accepted is one more thing a mail relay or a log pipeline might mishandle.
//!
//! An address is personal data: there is no `Display`, and `Debug` is redacted, so it cannot
//! end up in a log line or an error message by accident. Read it with [`Email::as_str`]
//! where it is really needed (the SMTP envelope, a SQL parameter).

/// Longest address we accept: the SMTP path limit (RFC 5321 §4.5.3.1.3) minus the brackets.
pub const MAX_LEN: usize = 254;
const MAX_LOCAL_LEN: usize = 64;
const MAX_LABEL_LEN: usize = 63;

#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

/// The input is not an address we accept. Never echoes the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("is not a valid email address")]
pub struct InvalidEmail;

impl Email {
    pub fn parse(input: &str) -> Result<Self, InvalidEmail> {
        let email = input.trim().to_ascii_lowercase();
        if email.len() > MAX_LEN || !email.is_ascii() {
            return Err(InvalidEmail);
        }
        let (local, domain) = email.split_once('@').ok_or(InvalidEmail)?;
        if valid_local(local) && valid_domain(domain) { Ok(Self(email)) } else { Err(InvalidEmail) }
    }

    /// An address read back from our own database, where it was stored parsed.
    pub fn from_trusted(stored: String) -> Self {
        Self(stored)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before `@` (passwords must not contain it).
    pub fn local_part(&self) -> &str {
        self.0.split_once('@').map_or(self.0.as_str(), |(local, _)| local)
    }
}

impl std::fmt::Debug for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Email(<redacted>)")
    }
}

/// RFC 5322 dot-atom: atext runs separated by single dots.
fn valid_local(local: &str) -> bool {
    const SPECIALS: &[u8] = b"!#$%&'*+/=?^_`{|}~-";
    (1..=MAX_LOCAL_LEN).contains(&local.len())
        && local
            .split('.')
            .all(|atom| !atom.is_empty() && atom.bytes().all(|b| b.is_ascii_alphanumeric() || SPECIALS.contains(&b)))
}

/// A host name with at least two labels (no bare `localhost`, no IP literal).
fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            (1..=MAX_LABEL_LEN).contains(&label.len())
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        && labels.last().is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_alphanumeric()) && tld.len() >= 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_trimmed_and_lower_cased() {
        let email = Email::parse("  Alice.Smith+tele@Example.ORG \n").unwrap();
        assert_eq!(email.as_str(), "alice.smith+tele@example.org");
        assert_eq!(email.local_part(), "alice.smith+tele");
    }

    #[test]
    fn ordinary_addresses_are_accepted() {
        for input in ["a@b.co", "first.last@sub.example.com", "x_y-z@xn--bcher-kva.example", "o'neil@example.ie"] {
            assert!(Email::parse(input).is_ok(), "{input} should be accepted");
        }
    }

    #[test]
    fn malformed_addresses_are_refused() {
        let too_long = format!("{}@example.com", "a".repeat(250));
        let long_local = format!("{}@example.com", "a".repeat(65));
        let cases = [
            "",
            "plain",
            "@example.com",
            "alice@",
            "alice@localhost",
            "a@b@example.com",
            "alice@-x.com",
            "alice@x-.com",
            "a..b@example.com",
            ".a@example.com",
            "a.@example.com",
            "a b@example.com",
            "a@exa mple.com",
            "\"a\"@example.com",
            "a@[127.0.0.1]",
            "ä@example.com",
            "a@example.c",
            "a@example..com",
            "a<b@example.com",
            "a@example.com\r\nBcc: x@y.z",
            &too_long,
            &long_local,
        ];
        for input in cases {
            assert_eq!(Email::parse(input), Err(InvalidEmail), "{input:?} should be refused");
        }
    }

    #[test]
    fn debug_output_never_shows_the_address() {
        let email = Email::parse("secret.person@example.com").unwrap();
        assert!(!format!("{email:?}").contains("secret"));
    }
}
