//! [`Params`]: the form-encoded body of an OAuth endpoint, parsed once.
//!
//! RFC 6749 section 3.2: parameters sent without a value are treated as omitted, and a
//! parameter may not appear twice (an attacker appending a second `redirect_uri` must not
//! get to choose which one a lenient parser keeps).

use std::collections::HashMap;

use super::error::OAuthError;

#[derive(Debug, Default)]
pub struct Params(HashMap<String, String>);

impl Params {
    pub fn parse(body: &[u8]) -> Result<Self, OAuthError> {
        let mut params = HashMap::new();
        for (name, value) in url::form_urlencoded::parse(body) {
            if value.is_empty() {
                continue;
            }
            if params.insert(name.into_owned(), value.into_owned()).is_some() {
                return Err(OAuthError::invalid_request("a parameter was repeated"));
            }
        }
        Ok(Self(params))
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    pub fn require(&self, name: &str, missing: &'static str) -> Result<&str, OAuthError> {
        self.get(name).ok_or(OAuthError::invalid_request(missing))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_parameters_are_refused_and_empty_ones_ignored() {
        assert!(Params::parse(b"code=a&code=b").is_err());
        let params = Params::parse(b"code=a&scope=&x=%20y").unwrap();
        assert_eq!((params.get("code"), params.get("scope"), params.get("x")), (Some("a"), None, Some(" y")));
    }
}
