//! Integration tests of the gateway: real identity, real Redis and OpenBao, the gateway's
//! own router on port 0.

mod api;
mod bad_input;
mod harness;
mod health;
mod rate_limit;
