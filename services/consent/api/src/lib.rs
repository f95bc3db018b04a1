//! consent's wire contract: the JSON bodies of its `/v1` and `/internal/v1` APIs, shared with
//! its callers (the gateway; later scheduling and records). Plain data only: no rules, no
//! I/O. A signed document's text, typed name, IP and user agent are PHI in transit: callers
//! must never log them.

pub mod disclosure;
pub mod documents;
pub mod paths;
pub mod templates;
pub mod transfers;
