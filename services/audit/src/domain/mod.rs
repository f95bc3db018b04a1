//! The audit service's pure rules: what a chain is and how a link is hashed ([`chain`]), and
//! what verification concludes from the seals and events it is shown ([`verify`]), and what a
//! read of the log may ask for ([`search`]). No
//! database, HTTP or Vault here.

pub mod chain;
pub mod search;
pub mod verify;
