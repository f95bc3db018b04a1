//! Integration tests of tp-crypto against the test profile's OpenBao: tenant keys created
//! with the root token (as identity will), keyrings logged in as the records service. The
//! Vault-down case runs on a throwaway OpenBao it can stop. One binary, one module per concern.

mod caching;
mod fixture;
mod keys;
mod placement;
mod unavailable;
