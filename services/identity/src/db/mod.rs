//! Queries of the identity schema: the only place SQL appears.

pub mod account_tokens;
pub mod recovery_codes;
pub mod users;
