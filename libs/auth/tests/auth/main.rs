//! Integration tests of tp-auth against a real JWKS server (axum on port 0) and the test
//! profile's Redis. One binary for the crate.

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "test helpers fail the test loudly")]

mod cache;
mod extractor;
mod issuer;
mod revocation;
mod verify;
