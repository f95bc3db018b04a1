//! Account flows against the real service: invitations, the link pages (CSRF, single use,
//! expiry), password reset with session revocation, lockout, TOTP and recovery codes.
//! Emails are read from a real SMTP sink; functions without an HTTP surface yet
//! (`authenticate_password`, MFA) are called on a state built exactly as the service builds it.

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "test helpers: a failed step is a broken test")]

pub(crate) mod harness;
mod invite;
pub(crate) mod mfa;
mod reset;
mod sign_in;
