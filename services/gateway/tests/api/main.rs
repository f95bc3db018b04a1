//! Integration tests of the gateway service: the real binary's router on port 0.

mod health;
