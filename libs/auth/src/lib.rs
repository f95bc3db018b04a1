//! Access tokens of the platform: the claims identity issues ([`claims`]), the JWK Set it
//! publishes ([`jwks`]), and their verification by every service: [`Verifier`] (ES256 only,
//! keys cached from identity's JWKS, tokens it already verified remembered by their SHA-256
//! so a session's repeated token skips the signature check), the revocation check
//! ([`check_revocation`], Redis, every request, fail closed), and the axum extractors
//! [`Principal`] and [`MaybePrincipal`].
//!
//! The claims live here, not in identity, because both sides must agree on them: identity
//! (the issuer) depends on this crate, never the other way round. Signing is not here:
//! identity signs in Vault transit, and private keys never reach a service.

pub mod claims;
mod config;
mod error;
mod extract;
pub mod jwks;
mod jws;
mod key_cache;
mod principal;
mod token_cache;
mod verifier;

pub use claims::{AccessClaims, REVOKED_SESSION_PREFIX, Role, UnknownRole};
pub use config::VerifierConfig;
pub use error::{AuthError, InvalidToken, JwksError, Unavailable};
pub use extract::{AuthState, Bearer, MaybePrincipal, bearer_token};
pub use principal::{Actor, Principal, RoleSet, ScopeSet};
pub use verifier::{Verifier, check_revocation};
