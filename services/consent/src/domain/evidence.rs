//! The circumstances of a signature kept as evidence: the client's IP address and user agent
//! as the gateway saw the request. The gateway appends the address it saw to
//! `X-Forwarded-For`, so the last entry is the one it vouches for; what comes before it was
//! written by whoever sent the request and proves nothing.
//!
//! Neither is checked against anything: they are what a later reader weighs, not what
//! admits a signature.

use std::net::{IpAddr, SocketAddr};

/// The evidence kept with a signature, both optional: a request without them is still a
/// signature, with less evidence.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evidence {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl Evidence {
    /// From the `X-Forwarded-For` and `User-Agent` headers as the gateway forwards them.
    pub fn from_headers(forwarded_for: Option<&str>, user_agent_header: Option<&str>) -> Self {
        Self { ip: client_ip(forwarded_for), user_agent: user_agent(user_agent_header) }
    }
}

/// Longest user agent kept, in characters; a longer one is cut (it is evidence, not input).
pub const USER_AGENT_MAX_CHARS: usize = 512;

/// The last address of an `X-Forwarded-For` value, if it is an IP address (with or without
/// a port); anything else is no evidence and is dropped.
pub fn client_ip(forwarded_for: Option<&str>) -> Option<String> {
    let last = forwarded_for?.rsplit(',').next()?.trim();
    let ip = last.parse::<IpAddr>().ok().or_else(|| last.parse::<SocketAddr>().ok().map(|addr| addr.ip()))?;
    Some(ip.to_string())
}

/// The user agent, without control characters and at most [`USER_AGENT_MAX_CHARS`]
/// characters; `None` when nothing is left.
pub fn user_agent(header: Option<&str>) -> Option<String> {
    let kept: String = header?.chars().filter(|c| !c.is_control()).take(USER_AGENT_MAX_CHARS).collect();
    let kept = kept.trim();
    (!kept.is_empty()).then(|| kept.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_forwarded_address_is_the_one_kept() {
        assert_eq!(client_ip(Some("203.0.113.9")).as_deref(), Some("203.0.113.9"));
        assert_eq!(client_ip(Some("10.0.0.1, 198.51.100.7")).as_deref(), Some("198.51.100.7"));
        assert_eq!(client_ip(Some("spoofed, 2001:db8::1 ")).as_deref(), Some("2001:db8::1"));
        assert_eq!(client_ip(Some("198.51.100.7:4711")).as_deref(), Some("198.51.100.7"));
        assert_eq!(client_ip(Some("[2001:db8::2]:443")).as_deref(), Some("2001:db8::2"));
    }

    #[test]
    fn anything_but_an_address_is_dropped() {
        assert_eq!(client_ip(None), None);
        assert_eq!(client_ip(Some("")), None);
        assert_eq!(client_ip(Some("198.51.100.7, unknown")), None);
        assert_eq!(client_ip(Some("<script>")), None);
    }

    #[test]
    fn user_agents_are_kept_bounded_and_without_control_characters() {
        assert_eq!(user_agent(Some("Mozilla/5.0 (X11)")).as_deref(), Some("Mozilla/5.0 (X11)"));
        assert_eq!(user_agent(Some("a\tb\u{7f}c")).as_deref(), Some("abc"));
        assert_eq!(user_agent(Some(&"é".repeat(600))).map(|ua| ua.chars().count()), Some(USER_AGENT_MAX_CHARS));
        assert_eq!(user_agent(Some("  ")), None);
        assert_eq!(user_agent(None), None);
    }
}
