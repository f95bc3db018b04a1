//! Integration tests of tp-vault against the test profile's OpenBao (policies and AppRoles
//! as loaded by `infra/dev/deps`), plus a closed port for the unavailable case. One binary,
//! one module per concern.

mod kv;
mod token;
mod transit;
