//! Server-rendered HTML pages: the shared layout and the account link pages.

pub(crate) mod account;
pub(crate) mod layout;
pub(crate) mod signin;
