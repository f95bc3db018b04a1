//! What a read of the audit log asks for, validated once: [`Page`] (`first`, `after`) and
//! [`Filter`] (action prefix, actor, subject, time range), parsed from the query string's raw
//! values. Each invalid value names its parameter, so a caller learns which one to fix.
//!
//! Not here: who may read what (the callers in `crate::search`) and the SQL (`crate::db`).

use chrono::{DateTime, Utc};
use tp_audit_api::paths::MAX_PAGE;
use uuid::Uuid;

use crate::error::Error;

/// Events per page when the caller does not say.
pub const DEFAULT_PAGE: usize = 50;

/// Longest action prefix, actor id or subject id accepted: every stored id is far shorter,
/// and a bound keeps the query and its audit event small.
const MAX_TEXT: usize = 128;

/// The query string as received: every value optional and still text.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct RawQuery {
    pub first: Option<String>,
    pub after: Option<String>,
    pub action: Option<String>,
    pub actor_id: Option<String>,
    pub subject_id: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
}

/// One page of a newest-first listing: at most `first` events after the event `after`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub first: usize,
    /// The last event of the previous page. Whether it exists in the caller's view is
    /// checked against the database (an unknown cursor is refused, not an empty page).
    pub after: Option<Uuid>,
}

/// The practice search's narrowing; every part optional, all combined with AND.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Filter {
    /// A prefix of the dotted action name (`records.` or `identity.sign_in`).
    pub action: Option<String>,
    pub actor_id: Option<String>,
    pub subject_id: Option<String>,
    /// Inclusive.
    pub since: Option<DateTime<Utc>>,
    /// Exclusive.
    pub until: Option<DateTime<Utc>>,
}

impl Page {
    pub fn parse(raw: &RawQuery) -> Result<Self, Error> {
        let first = match raw.first.as_deref() {
            None => DEFAULT_PAGE,
            Some(text) => text
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_PAGE).contains(n))
                .ok_or(Error::Invalid { field: "first" })?,
        };
        let after = raw
            .after
            .as_deref()
            .map(|text| Uuid::parse_str(text).map_err(|_| Error::Invalid { field: "after" }))
            .transpose()?;
        Ok(Self { first, after })
    }
}

impl Filter {
    pub fn parse(raw: &RawQuery) -> Result<Self, Error> {
        let action = raw.action.as_deref().map(parse_action).transpose()?;
        let actor_id = raw.actor_id.as_deref().map(|t| parse_id(t, "actor_id")).transpose()?;
        let subject_id = raw.subject_id.as_deref().map(|t| parse_id(t, "subject_id")).transpose()?;
        let since = raw.since.as_deref().map(|t| parse_time(t, "since")).transpose()?;
        let until = raw.until.as_deref().map(|t| parse_time(t, "until")).transpose()?;
        if let (Some(since), Some(until)) = (since, until)
            && since > until
        {
            return Err(Error::Invalid { field: "until" });
        }
        Ok(Self { action, actor_id, subject_id, since, until })
    }
}

/// `^[a-z][a-z0-9_.]*$`: the characters of action names, so the prefix can never carry a
/// pattern character or anything else into the query.
fn parse_action(text: &str) -> Result<String, Error> {
    let mut bytes = text.bytes();
    let valid = text.len() <= MAX_TEXT
        && bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.');
    if valid { Ok(text.to_owned()) } else { Err(Error::Invalid { field: "action" }) }
}

/// An id compared exactly: printable ASCII, no spaces, bounded.
fn parse_id(text: &str, field: &'static str) -> Result<String, Error> {
    let valid = !text.is_empty() && text.len() <= MAX_TEXT && text.bytes().all(|b| b.is_ascii_graphic());
    if valid { Ok(text.to_owned()) } else { Err(Error::Invalid { field }) }
}

fn parse_time(text: &str, field: &'static str) -> Result<DateTime<Utc>, Error> {
    DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc)).map_err(|_| Error::Invalid { field })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(pairs: &[(&str, &str)]) -> RawQuery {
        let mut query = RawQuery::default();
        for (key, value) in pairs {
            let value = Some((*value).to_owned());
            match *key {
                "first" => query.first = value,
                "after" => query.after = value,
                "action" => query.action = value,
                "actor_id" => query.actor_id = value,
                "subject_id" => query.subject_id = value,
                "since" => query.since = value,
                "until" => query.until = value,
                _ => panic!("unknown parameter {key}"),
            }
        }
        query
    }

    fn invalid_field(result: Result<impl std::fmt::Debug, Error>) -> &'static str {
        match result {
            Err(Error::Invalid { field }) => field,
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn first_defaults_to_fifty_and_accepts_one_to_a_hundred() {
        assert_eq!(Page::parse(&RawQuery::default()).unwrap().first, DEFAULT_PAGE);
        assert_eq!(Page::parse(&raw(&[("first", "1")])).unwrap().first, 1);
        assert_eq!(Page::parse(&raw(&[("first", "100")])).unwrap().first, 100);
        for bad in ["0", "101", "-1", "ten", ""] {
            assert_eq!(invalid_field(Page::parse(&raw(&[("first", bad)]))), "first", "{bad}");
        }
    }

    #[test]
    fn after_must_be_an_event_id() {
        assert_eq!(invalid_field(Page::parse(&raw(&[("after", "nope")]))), "after");
        let id = Uuid::now_v7();
        assert_eq!(Page::parse(&raw(&[("after", &id.to_string())])).unwrap().after, Some(id));
    }

    #[test]
    fn action_prefixes_use_only_the_characters_of_action_names() {
        for good in ["records", "records.", "identity.sign_in", "a1_b.c"] {
            assert_eq!(Filter::parse(&raw(&[("action", good)])).unwrap().action.as_deref(), Some(good));
        }
        for bad in ["", "Records", "1abc", "rec%", "rec ords", ".records", "recörds"] {
            assert_eq!(invalid_field(Filter::parse(&raw(&[("action", bad)]))), "action", "{bad}");
        }
        assert_eq!(invalid_field(Filter::parse(&raw(&[("action", &"a".repeat(129))]))), "action");
    }

    #[test]
    fn ids_are_bounded_and_times_are_rfc3339_in_order() {
        assert_eq!(invalid_field(Filter::parse(&raw(&[("actor_id", &"x".repeat(129))]))), "actor_id");
        assert_eq!(invalid_field(Filter::parse(&raw(&[("subject_id", "")]))), "subject_id");
        assert_eq!(invalid_field(Filter::parse(&raw(&[("since", "yesterday")]))), "since");
        assert_eq!(invalid_field(Filter::parse(&raw(&[("until", "2026-13-01T00:00:00Z")]))), "until");
        let backwards = raw(&[("since", "2026-02-01T00:00:00Z"), ("until", "2026-01-01T00:00:00Z")]);
        assert_eq!(invalid_field(Filter::parse(&backwards)), "until");
        let filter = Filter::parse(&raw(&[("since", "2026-01-01T01:00:00+01:00")])).unwrap();
        assert_eq!(filter.since.unwrap().to_rfc3339(), "2026-01-01T00:00:00+00:00");
    }
}
