//! Access tokens of the platform: the claims identity issues ([`claims`]) and, in the
//! verifier modules, their verification against identity's JWKS and the [`Principal`]
//! extractor services use.
//!
//! The claims live here, not in identity, because both sides must agree on them: identity
//! (the issuer) depends on this crate, never the other way round.

pub mod claims;

pub use claims::{AccessClaims, REVOKED_SESSION_PREFIX, Role, UnknownRole};
