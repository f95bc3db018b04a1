//! Queries of the identity schema: the only place SQL appears.

pub mod clients;
pub mod codes;
pub mod refresh_tokens;
pub mod revocation;
pub mod subjects;
