//! The consent domain of the schema: the practice's consent templates (built-in and its
//! own) and the documents a client must sign first, signing and withdrawing in the portal,
//! the signed documents, whether a client is ready to book, and disclosure (authorizations,
//! restrictions, decisions, the accounting of disclosures), and records transfers between
//! practices and to providers outside the platform. consent decides who may; signed
//! documents, recipients and purposes are PHI.

pub mod disclosure;
mod disclosure_types;
pub mod documents;
pub mod outside_transfers;
pub mod templates;
pub mod transfers;

use async_graphql::Context;

use crate::downstream::consent::ConsentClient;
use crate::graphql::error::GqlError;

/// The consent client from the schema data.
pub fn consent<'a>(ctx: &Context<'a>) -> Result<&'a ConsentClient, GqlError> {
    crate::graphql::context::data(ctx)
}

/// A template key as the schema takes it: a built-in's key or a practice template's UUID,
/// lowercase letters, digits and dashes, at most 64 characters (so it needs no escaping in
/// a path). Anything else is BAD_USER_INPUT.
pub fn template_key(key: &str) -> Result<&str, GqlError> {
    let valid = !key.is_empty()
        && key.len() <= 64
        && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if valid { Ok(key) } else { Err(GqlError::bad_input("a template key is a built-in's key or a template id")) }
}

#[cfg(test)]
mod tests {
    use super::template_key;

    #[test]
    fn template_keys_are_path_safe() {
        assert!(template_key("part2-sud").is_ok());
        assert!(template_key("0196f1c2-7a3b-7c00-8000-000000000001").is_ok());
        for bad in ["", "../x", "a/b", "A", "x?y=1", &"a".repeat(65)] {
            assert!(template_key(bad).is_err(), "{bad}");
        }
    }
}
