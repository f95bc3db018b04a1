//! A page of a list ordered by id (`first`, `after`: keyset pagination), parsed once at the
//! edge. Keyset rather than offset: a page stays correct while members join or leave, and
//! the query reads only the rows it returns.
//!
//! Only the request is here; the answer's shape is the wire type of each list.

use tp_ids::UserId;

use crate::error::Error;

/// Page size when the caller names none.
pub const DEFAULT_FIRST: usize = 50;
/// Largest page a caller may ask for.
pub const MAX_FIRST: usize = 100;

/// `first` items after the item with id `after` (from the start when `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub first: usize,
    pub after: Option<UserId>,
}

impl PageRequest {
    /// `first` must be 1 to [`MAX_FIRST`]; `after` a user id.
    pub fn parse(first: Option<&str>, after: Option<&str>) -> Result<Self, Error> {
        let first = match first {
            None => DEFAULT_FIRST,
            Some(raw) => raw
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_FIRST).contains(n))
                .ok_or_else(|| Error::invalid("first", format!("must be a number from 1 to {MAX_FIRST}")))?,
        };
        let after = after.map(|raw| UserId::parse(raw).map_err(|_| Error::invalid("after", "is not a user id")));
        Ok(Self { first, after: after.transpose()? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_defaults_to_fifty_and_must_be_one_to_a_hundred() {
        assert_eq!(PageRequest::parse(None, None).unwrap(), PageRequest { first: 50, after: None });
        assert_eq!(PageRequest::parse(Some("100"), None).unwrap().first, 100);
        assert_eq!(PageRequest::parse(Some("1"), None).unwrap().first, 1);
        for bad in ["0", "101", "-1", "ten", "", "1e2"] {
            assert!(matches!(PageRequest::parse(Some(bad), None), Err(Error::Invalid { field: "first", .. })), "{bad}");
        }
    }

    #[test]
    fn after_must_be_a_user_id() {
        let id = UserId::generate();
        assert_eq!(PageRequest::parse(None, Some(&id.to_string())).unwrap().after, Some(id));
        assert!(matches!(PageRequest::parse(None, Some("nope")), Err(Error::Invalid { field: "after", .. })));
    }
}
